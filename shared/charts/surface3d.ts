/**
 * The loss surface in 3D for the window: an echarts-gl `surface` series over the grid, coloured by height
 * with the same palettes and colour range as the 2D map, and optionally the FGSM step as a path drawn on
 * the surface from the centre to where the step lands. Print uses wireframe.ts instead (no WebGL there).
 */
import { DIVERGING, SEQUENTIAL, clipToBox, colourRange } from './heatmap.ts';
import { FONT } from './style.ts';

export interface Surface3DInput {
  x: { title: string; values: number[] };
  y: { title: string; values: number[] };
  /** z[i][j] at x.values[i], y.values[j]. */
  z: number[][];
  zTitle: string;
  /** Colour scale [min, max], shared by surfaces shown side by side. @default the range of z */
  range?: [number, number];
  /** Diverging colours centred on 0 (difference surfaces). */
  diverging?: boolean;
  /** A path on the surface from (0, 0) to (x, y), e.g. the FGSM step; shortened to the map's edge when (x, y) lies outside. */
  path?: { x: number; y: number; label: string };
  /** Draw the grid lines on the surface; off by default above 61 points per axis, where they hide the colours. */
  wireframe?: boolean;
}

/** z at (x, y) by bilinear interpolation on the grid, or NaN outside it. */
export function interpolate(xv: number[], yv: number[], z: number[][], x: number, y: number): number {
  const cell = (v: number[], t: number) => {
    if (v.length === 1) return t === v[0] ? { k: 0, f: 0 } : null;
    if (t < v[0] || t > v[v.length - 1]) return null;
    const k = Math.min(v.length - 2, v.findIndex((_, i) => i + 1 < v.length && t <= v[i + 1]));
    return { k, f: (t - v[k]) / (v[k + 1] - v[k]) };
  };
  const a = cell(xv, x);
  const b = cell(yv, y);
  if (!a || !b) return NaN;
  const at = (i: number, j: number) => z[Math.min(i, xv.length - 1)][Math.min(j, yv.length - 1)];
  const lower = at(a.k, b.k) * (1 - a.f) + at(a.k + 1, b.k) * a.f;
  const upper = at(a.k, b.k + 1) * (1 - a.f) + at(a.k + 1, b.k + 1) * a.f;
  return lower * (1 - b.f) + upper * b.f;
}

/** [lo, hi] widened to multiples of a round step (about five of them), so the axis ends read cleanly. */
export function niceBounds(lo: number, hi: number): [number, number] {
  if (!(hi > lo)) return [lo, hi];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return [Number((Math.floor(lo / step) * step).toPrecision(12)), Number((Math.ceil(hi / step) * step).toPrecision(12))];
}

/**
 * Text in the 3D view at the window's own text size: echarts-gl draws labels as sprites in the scene, so
 * these are their sizes in pixels at the default viewing distance (16 px is the page's body text).
 */
export const SURFACE3D_TEXT = { axisName: 16, tick: 14, colourBar: 14 };

const roomy = (size: number) => ({ lineHeight: Math.round(size * 1.5), padding: [2, 4] });

const axisStyle = (name: string, min?: number, max?: number) => ({
  type: 'value', name, min, max,
  nameGap: 28,
  nameTextStyle: { fontFamily: FONT, fontSize: SURFACE3D_TEXT.axisName, color: '#000', ...roomy(SURFACE3D_TEXT.axisName) },
  // echarts-gl reads the label's font from axisLabel itself (a nested textStyle is ignored).
  axisLabel: { margin: 10, fontFamily: FONT, fontSize: SURFACE3D_TEXT.tick, color: '#000', ...roomy(SURFACE3D_TEXT.tick) },
});

export function surface3dChart(input: Surface3DInput): Record<string, unknown> {
  const xv = input.x.values;
  const yv = input.y.values;
  const [lo, hi] = colourRange(input.z, input.diverging, input.range);
  // echarts-gl reads the grid row by row: y outer, x inner, with dataShape [rows, columns].
  const data: Array<[number, number, number]> = [];
  yv.forEach((y, j) => xv.forEach((x, i) => data.push([x, y, input.z[i][j]])));
  const wire = input.wireframe ?? Math.max(xv.length, yv.length) <= 61;
  const series: object[] = [
    {
      type: 'surface', data, dataShape: [yv.length, xv.length], shading: 'color', silent: true,
      wireframe: { show: wire, lineStyle: { color: 'rgba(0,0,0,0.25)', width: 1 } },
    },
  ];
  if (input.path) {
    const box = { x0: xv[0], x1: xv[xv.length - 1], y0: yv[0], y1: yv[yv.length - 1] };
    const [ex, ey] = clipToBox(input.path.x, input.path.y, box);
    // A step that overshoots the edge by rounding only (a = eps = span) still counts as on the map.
    const off = Math.hypot(ex - input.path.x, ey - input.path.y) > 1e-6 * Math.hypot(input.path.x, input.path.y);
    // Lifted a little above the surface, or the surface's own pixels hide the path.
    const lift = 0.02 * (hi - lo);
    const clamp = (v: number, a: number, b: number) => Math.min(b, Math.max(a, v));
    const steps = 24;
    const pts: Array<[number, number, number]> = [];
    for (let s = 0; s <= steps; s++) {
      const x = clamp((ex * s) / steps, box.x0, box.x1);
      const y = clamp((ey * s) / steps, box.y0, box.y1);
      pts.push([x, y, interpolate(xv, yv, input.z, x, y) + lift]);
    }
    if (pts.every((p) => Number.isFinite(p[2]))) {
      series.push(
        { type: 'line3D', data: pts, lineStyle: { color: '#fff', width: 4 }, silent: true },
        {
          type: 'scatter3D', data: [pts[pts.length - 1]], symbolSize: 10, itemStyle: { color: '#fff', borderColor: '#000', borderWidth: 1 },
          label: { show: true, formatter: off ? `${input.path.label} (off the map)` : input.path.label, distance: 8, textStyle: { fontFamily: FONT, fontSize: SURFACE3D_TEXT.tick, color: '#000', backgroundColor: 'rgba(255,255,255,0.8)', padding: 3 } },
          silent: true,
        },
      );
    }
  }
  return {
    backgroundColor: '#fff',
    animation: false,
    visualMap: {
      // Short enough that its lower label stays clear of the y axis name, which ends near the bottom right.
      type: 'continuous', min: lo, max: hi, dimension: 2, seriesIndex: 0, calculable: false, right: 10, top: 40, itemHeight: 180, itemWidth: 14,
      inRange: { color: input.diverging ? DIVERGING : SEQUENTIAL },
      text: [`${hi.toPrecision(4)}`, `${lo.toPrecision(4)}`], textStyle: { fontFamily: FONT, fontSize: SURFACE3D_TEXT.colourBar, color: '#000' },
    },
    xAxis3D: axisStyle(input.x.title, xv[0], xv[xv.length - 1]),
    yAxis3D: axisStyle(input.y.title, yv[0], yv[yv.length - 1]),
    // The height axis spans the colour range (shared by surfaces side by side, so they compare by eye).
    zAxis3D: axisStyle(input.zTitle, ...niceBounds(lo, hi)),
    grid3D: {
      // The scene stops short of the colour bar on the right.
      right: 70,
      boxWidth: 100, boxDepth: 100, boxHeight: 60,
      viewControl: { projection: 'perspective', alpha: 28, beta: 35, distance: 235 },
      axisLine: { lineStyle: { color: '#000' } },
      axisPointer: { show: false },
      splitLine: { lineStyle: { color: '#ccc' } },
    },
    series,
  };
}
