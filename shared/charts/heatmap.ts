/**
 * Loss-surface heatmap with labelled contour lines (marching squares, contours.ts), the same data drawn on
 * screen and in the exported figure. Optionally an arrow from the origin, e.g. this jet's FGSM step.
 */
import { contourLevels, contourLines, levelText, logContourLevels } from './contours.ts';
import { declarative } from './declarative.ts';
import { DEFAULT_SIZE, FONT, GRID, axisTitles, baseOption, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface HeatmapInput {
  x: { title: string; values: number[] };
  y: { title: string; values: number[] };
  /** z[i][j] at x.values[i], y.values[j]. */
  z: number[][];
  zTitle: string;
  label: FigureLabel;
  /** About this many contour levels, at round values. @default 8 */
  contours?: number;
  /** The point the map is centred on (the jet itself), marked with a dot. @default [0, 0] */
  origin?: [number, number];
  /** An arrow from the origin to (x, y), shortened to the map's edge when the point lies outside. */
  arrow?: { x: number; y: number; label: string };
  size?: FigureSize;
  /** Diverging colours centred on 0 (difference maps). */
  diverging?: boolean;
  /** Colour scale [min, max], e.g. shared by maps shown side by side. @default the range of z */
  range?: [number, number];
  /**
   * Colours and contour levels logarithmic in z, for losses spanning decades (a focal loss with gamma = 25
   * reaches 1e-6 and below); values <= 0 take the lowest colour. Not for diverging (signed) maps, which
   * ignore it. @default false
   */
  logScale?: boolean;
}

export { contourSegments } from './contours.ts';

/** Draws one grid cell (half-widths dx, dy) as a rectangle; declarative, so the option can be exported from the window. */
export function heatmapCellRenderer(dx: number, dy: number) {
  const render = (_: unknown, api: { value(i: number): number; coord(p: number[]): number[]; visual(k: string): string }) => {
    const a = api.coord([api.value(0) - dx, api.value(1) + dy]);
    const b = api.coord([api.value(0) + dx, api.value(1) - dy]);
    return { type: 'rect', shape: { x: a[0], y: a[1], width: b[0] - a[0] + 0.5, height: b[1] - a[1] + 0.5 }, style: { fill: api.visual('color') } };
  };
  return declarative(render, 'heatmapCell', { dx, dy });
}

export const SEQUENTIAL = ['#0d0887', '#5c01a6', '#9c179e', '#cc4778', '#ed7953', '#fdb42f', '#f0f921']; // plasma
export const DIVERGING = ['#3b4cc0', '#8db0fe', '#dddddd', '#f49a7b', '#b40426'];
const INK = '#1c1c28';

/** The colour scale of a map: `range` or z's own range, made symmetric around 0 for diverging colours. */
export function colourRange(z: number[][], diverging?: boolean, range?: [number, number]): [number, number] {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range) {
    for (const row of z) for (const v of row) if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return [lo, hi === lo ? lo + 1e-12 : hi];
}

/** The colour scale of a map in log z: its positive values' range, or `range` where that is positive. */
export function logColourRange(z: number[][], range?: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of z) for (const v of row) if (v > 0 && Number.isFinite(v)) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (range && range[0] > 0) lo = range[0];
  if (range && range[1] > 0) hi = range[1];
  if (!(lo < Infinity)) return [1e-12, 1]; // nothing positive to show
  return [lo, hi > lo ? hi : lo * 10];
}

/** The arrow's end, pulled back along the ray from the origin until it lies inside the box. */
export function clipToBox(x: number, y: number, box: { x0: number; x1: number; y0: number; y1: number }): [number, number] {
  let t = 1;
  if (x > box.x1) t = Math.min(t, box.x1 / x);
  if (x < box.x0) t = Math.min(t, box.x0 / x);
  if (y > box.y1) t = Math.min(t, box.y1 / y);
  if (y < box.y0) t = Math.min(t, box.y0 / y);
  return [x * t, y * t];
}

/**
 * The map's axes end half a cell beyond the outer grid points, at values like 0.50333 or, on physical
 * axes, 8.2396282: only the round ticks inside are labelled.
 */
function withoutEdgeLabels(axes: object[]): object[] {
  return axes.map((a) => ({ ...a, axisLabel: { ...(a as { axisLabel?: object }).axisLabel, showMinLabel: false, showMaxLabel: false } }));
}

export function heatmapChart(input: HeatmapInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const panel = { ...GRID, right: 96 };
  const log = input.logScale === true && !input.diverging;
  const [lo, hi] = log ? logColourRange(input.z, input.range) : colourRange(input.z, input.diverging, input.range);
  // The colour dimension and the contours work on log10 z for a log scale; values below the scale sit at its bottom.
  const scaled = log ? (v: number) => Math.log10(Math.max(v, lo)) : (v: number) => v;
  const zc = log ? input.z.map((row) => row.map(scaled)) : input.z;
  const { lines = [], ...head } = input.label;
  const xv = input.x.values;
  const yv = input.y.values;
  const dx = xv.length > 1 ? (xv[1] - xv[0]) / 2 : 0.5;
  const dy = yv.length > 1 ? (yv[1] - yv[0]) / 2 : 0.5;
  // Cells drawn as rectangles by a custom series, so the exported map is vector shapes like the rest.
  const cells: Array<[number, number, number]> = [];
  zc.forEach((row, i) => row.forEach((v, j) => cells.push([xv[i], yv[j], v])));
  // One polyline series for all levels. Each level's value is written on its longest line, level k of n
  // at the fraction k/(n+1) along it, so the labels of parallel lines fan out instead of lining up.
  const contourData: Array<{ coords: Array<[number, number]> }> = [];
  const contourLabels: Array<{ value: [number, number]; label: { formatter: string } }> = [];
  // Log levels where the map spans enough of a decade for two; else round linear levels (a narrow log map is nearly linear).
  const logLevels = log ? logContourLevels(lo, hi, input.contours ?? 8) : [];
  const levels = logLevels.length >= 2 ? logLevels : contourLevels(lo, hi, input.contours ?? 8);
  levels.forEach((level, k) => {
    const lines = contourLines(xv, yv, zc, scaled(level)).filter((l) => l.length > 1);
    if (lines.length === 0) return;
    lines.forEach((coords) => contourData.push({ coords }));
    const longest = lines.reduce((a, b) => (b.length > a.length ? b : a));
    contourLabels.push({ value: longest[Math.floor(((k + 1) * (longest.length - 1)) / (levels.length + 1))], label: { formatter: logLevels.length >= 2 ? levelText(level) : String(level) } });
  });
  // White lines on the dark sequential palette, dark ones on the light middle of the diverging one. The
  // dark ink is tinted, not grey, because the dark-mode screen copy lightens greys but not ink on data.
  const ink = input.diverging ? { line: INK, text: INK, border: '#fff' } : { line: '#ffffff', text: '#fff', border: INK };
  const contourSeries: object[] = contourData.length === 0 ? [] : [
    { type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, silent: true, z: 5, lineStyle: { color: ink.line, width: 0.8, opacity: 0.9 }, data: contourData },
    // A scatter shows labels only with a symbol: an invisible dot carries each level's value.
    {
      type: 'scatter', symbol: 'circle', symbolSize: 1, itemStyle: { color: 'transparent' }, silent: true, z: 6, data: contourLabels,
      label: { show: true, position: 'inside', fontFamily: FONT, fontSize: 10, color: ink.text, textBorderColor: ink.border, textBorderWidth: 2 },
    },
  ];
  const box = { x0: xv[0] - dx, x1: xv[xv.length - 1] + dx, y0: yv[0] - dy, y1: yv[yv.length - 1] + dy };
  const arrowSeries: object[] = [];
  const [ox, oy] = input.origin ?? [0, 0];
  if (input.arrow) {
    const rel = clipToBox(input.arrow.x - ox, input.arrow.y - oy, { x0: box.x0 - ox, x1: box.x1 - ox, y0: box.y0 - oy, y1: box.y1 - oy });
    const end: [number, number] = [rel[0] + ox, rel[1] + oy];
    const inside = rel[0] === input.arrow.x - ox && rel[1] === input.arrow.y - oy;
    arrowSeries.push({
      type: 'lines', coordinateSystem: 'cartesian2d', silent: true, z: 9, symbol: ['none', 'arrow'], symbolSize: 10,
      lineStyle: { color: '#fff', width: 2, type: inside ? 'solid' : 'dashed' }, data: [{ coords: [[ox, oy], end] }],
      label: { show: true, position: 'insideEndTop', formatter: inside ? input.arrow.label : `${input.arrow.label} (off the map)`, fontFamily: FONT, fontSize: 12, color: '#fff', textBorderColor: INK, textBorderWidth: 2 },
    });
  }
  return {
    ...baseOption(),
    grid: [panel],
    xAxis: withoutEdgeLabels(xAxes({ name: input.x.title, type: 'value', min: box.x0, max: box.x1 })),
    yAxis: withoutEdgeLabels(yAxes({ name: input.y.title, type: 'value', min: box.y0, max: box.y1 })),
    visualMap: {
      type: 'continuous', min: scaled(lo), max: scaled(hi), dimension: 2, seriesIndex: 0, calculable: false, orient: 'vertical',
      right: 24, top: GRID.top, itemHeight: size.height - GRID.top - GRID.bottom - 40, itemWidth: 14,
      inRange: { color: input.diverging ? DIVERGING : SEQUENTIAL },
      text: log ? [levelText(hi), levelText(lo)] : [`${hi.toPrecision(4)}`, `${lo.toPrecision(4)}`], textStyle: { fontFamily: FONT, fontSize: 12, color: '#000' }, precision: 4,
    },
    graphic: [
      ...titleGraphics(head, size, panel.right),
      // The sample lines sit on the map's colours, so on a light box to stay legible on dark and bright cells.
      ...lines.map((line, k) => ({ type: 'text', left: GRID.left + 8, top: GRID.top + 8 + 19 * k, z: 100, style: { text: line, fontFamily: FONT, fontSize: 13, fontWeight: 'normal', fontStyle: 'normal', fill: '#000', backgroundColor: 'rgba(255,255,255,0.8)', padding: [2, 4] } })),
      ...axisTitles(size, panel, input.x.title, input.y.title),
      { type: 'text', right: 20, top: GRID.top - 24, style: { text: log ? `${input.zTitle} (log)` : input.zTitle, fontFamily: FONT, fontSize: 13, fill: '#000' } },
    ],
    series: [
      {
        type: 'custom', coordinateSystem: 'cartesian2d', silent: true, z: 1,
        renderItem: heatmapCellRenderer(dx, dy),
        data: cells,
      },
      ...contourSeries,
      ...arrowSeries,
      { type: 'scatter', symbol: 'circle', symbolSize: 6, z: 10, itemStyle: { color: '#fff', borderColor: '#000' }, data: [[ox, oy]] },
    ],
  };
}
