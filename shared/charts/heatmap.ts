/**
 * Loss-surface heatmap with contour lines (marching squares on the grid), the same data drawn on screen
 * and in the exported figure. Optionally a marker, e.g. where this jet's FGSM step lands.
 */
import { DEFAULT_SIZE, FONT, GRID, axisTitles, baseOption, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface HeatmapInput {
  x: { title: string; values: number[] };
  y: { title: string; values: number[] };
  /** z[i][j] at x.values[i], y.values[j]. */
  z: number[][];
  zTitle: string;
  label: FigureLabel;
  contours?: number;
  marker?: { x: number; y: number; label: string };
  size?: FigureSize;
  /** Diverging colours centred on 0 (difference maps). */
  diverging?: boolean;
}

type Segment = [[number, number], [number, number]];

/** Contour segments of z at `level` by marching squares, in data coordinates. */
export function contourSegments(xv: number[], yv: number[], z: number[][], level: number): Segment[] {
  const segs: Segment[] = [];
  const lerp = (a: number, b: number, za: number, zb: number) => a + ((level - za) / (zb - za)) * (b - a);
  for (let i = 0; i + 1 < xv.length; i++) {
    for (let j = 0; j + 1 < yv.length; j++) {
      const c = [z[i][j], z[i + 1][j], z[i + 1][j + 1], z[i][j + 1]];
      const p: Array<[number, number]> = [];
      const corners: Array<[number, number]> = [[xv[i], yv[j]], [xv[i + 1], yv[j]], [xv[i + 1], yv[j + 1]], [xv[i], yv[j + 1]]];
      for (let e = 0; e < 4; e++) {
        const a = c[e];
        const b = c[(e + 1) % 4];
        if ((a < level) !== (b < level)) {
          const [xa, ya] = corners[e];
          const [xb, yb] = corners[(e + 1) % 4];
          p.push(xa === xb ? [xa, lerp(ya, yb, a, b)] : [lerp(xa, xb, a, b), ya]);
        }
      }
      if (p.length === 2) segs.push([p[0], p[1]]);
      else if (p.length === 4) segs.push([p[0], p[1]], [p[2], p[3]]);
    }
  }
  return segs;
}

const SEQUENTIAL = ['#0d0887', '#5c01a6', '#9c179e', '#cc4778', '#ed7953', '#fdb42f', '#f0f921']; // plasma
const DIVERGING = ['#3b4cc0', '#8db0fe', '#dddddd', '#f49a7b', '#b40426'];

export function heatmapChart(input: HeatmapInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const panel = { ...GRID, right: 96 };
  const flat = input.z.flat().filter(Number.isFinite);
  let lo = Math.min(...flat);
  let hi = Math.max(...flat);
  if (input.diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -m;
    hi = m;
  }
  if (hi === lo) hi = lo + 1e-12;
  const xv = input.x.values;
  const yv = input.y.values;
  const dx = xv.length > 1 ? (xv[1] - xv[0]) / 2 : 0.5;
  const dy = yv.length > 1 ? (yv[1] - yv[0]) / 2 : 0.5;
  // Cells drawn as rectangles by a custom series, so the exported map is vector shapes like the rest.
  const cells: Array<[number, number, number]> = [];
  input.z.forEach((row, i) => row.forEach((v, j) => cells.push([xv[i], yv[j], v])));
  const levels = input.contours ?? 8;
  const contourSeries: object[] = [];
  for (let k = 1; k <= levels; k++) {
    const level = lo + ((hi - lo) * k) / (levels + 1);
    const segs = contourSegments(xv, yv, input.z, level);
    if (segs.length === 0) continue;
    contourSeries.push({
      type: 'lines', coordinateSystem: 'cartesian2d', polyline: false, silent: true, z: 5,
      lineStyle: { color: '#ffffff', width: 0.8, opacity: 0.9 },
      data: segs.map((s) => ({ coords: s })),
    });
  }
  return {
    ...baseOption(),
    grid: [panel],
    xAxis: xAxes({ name: input.x.title, type: 'value', min: xv[0] - dx, max: xv[xv.length - 1] + dx }),
    yAxis: yAxes({ name: input.y.title, type: 'value', min: yv[0] - dy, max: yv[yv.length - 1] + dy }),
    visualMap: {
      type: 'continuous', min: lo, max: hi, dimension: 2, seriesIndex: 0, calculable: false, orient: 'vertical',
      right: 24, top: GRID.top, itemHeight: size.height - GRID.top - GRID.bottom - 40, itemWidth: 14,
      inRange: { color: input.diverging ? DIVERGING : SEQUENTIAL },
      text: [`${hi.toPrecision(4)}`, `${lo.toPrecision(4)}`], textStyle: { fontFamily: FONT, fontSize: 12, color: '#000' }, precision: 4,
    },
    graphic: [
      ...titleGraphics(input.label, size, panel.right),
      ...axisTitles(size, panel, input.x.title, input.y.title),
      { type: 'text', right: 20, top: GRID.top - 24, style: { text: input.zTitle, fontFamily: FONT, fontSize: 13, fill: '#000' } },
    ],
    series: [
      {
        type: 'custom', coordinateSystem: 'cartesian2d', silent: true, z: 1,
        renderItem: (_: unknown, api: { value(i: number): number; coord(p: number[]): number[]; visual(k: string): string }) => {
          const a = api.coord([api.value(0) - dx, api.value(1) + dy]);
          const b = api.coord([api.value(0) + dx, api.value(1) - dy]);
          return { type: 'rect', shape: { x: a[0], y: a[1], width: b[0] - a[0] + 0.5, height: b[1] - a[1] + 0.5 }, style: { fill: api.visual('color') } };
        },
        data: cells,
      },
      ...contourSeries,
      ...(input.marker
        ? [{ type: 'scatter', symbol: 'triangle', symbolSize: 12, z: 10, itemStyle: { color: '#ffffff', borderColor: '#000' }, data: [[input.marker.x, input.marker.y]], label: { show: true, formatter: input.marker.label, position: 'right', color: '#fff', fontFamily: FONT } }]
        : []),
      { type: 'scatter', symbol: 'circle', symbolSize: 6, z: 10, itemStyle: { color: '#fff', borderColor: '#000' }, data: [[0, 0]] },
    ],
  };
}
