/**
 * Generic line/step figure with an optional ratio panel: the building block of the robustness, history,
 * discriminant-shape, input-shift and curvature figures. Series carry plain [x, y] points.
 *
 * Bands: a series with `band` ([x, lo, hi] per point) is drawn over a shaded area from lo to hi in its
 * colour, e.g. a mean over seeds with ±1 sd (meanBandSeries builds one from mean/sd points, the output of
 * aggregateCurves in main/engine/robustness/aggregate-seeds.ts). The band is two stacked, invisible line
 * series (lo, then hi - lo with an area fill), so it crosses the API as plain JSON like every option.
 */
import { dataAxisRange, extent, niceLinear, niceLog, tickAlignedRange } from './ranges.ts';
import { DEFAULT_SIZE, GRID, axisTitles, baseOption, legend, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface LineSeries {
  label: string;
  points: Array<[number, number]>;
  /** 'line' joins points; 'step' draws a histogram outline (points are bin lower edges + last upper edge). */
  kind?: 'line' | 'step';
  dashed?: boolean;
  markers?: boolean;
  color?: string;
  /** Shaded band [x, lo, hi] behind the line (not in the legend, not in the ratio panel). */
  band?: Array<[number, number, number]>;
}

/** Band fill opacity: light enough that overlapping bands of two models stay readable. */
const BAND_OPACITY = 0.22;

/**
 * A mean line with a ±sd band from aggregated points ({x, mean, sd}); points with sd null (one seed) get
 * no band there.
 */
export function meanBandSeries(label: string, points: Array<{ x: number; mean: number; sd: number | null }>, style: Omit<LineSeries, 'label' | 'points' | 'band'> = {}): LineSeries {
  const band = points.filter((p) => p.sd !== null && Number.isFinite(p.mean)).map((p): [number, number, number] => [p.x, p.mean - p.sd!, p.mean + p.sd!]);
  return { ...style, label, points: points.map((p) => [p.x, p.mean]), ...(band.length ? { band } : {}) };
}

export interface LineChartInput {
  series: LineSeries[];
  /** integer: a count such as epochs (whole-number ticks and range). */
  x: { title: string; log?: boolean; min?: number; max?: number; integer?: boolean };
  y: { title: string; log?: boolean; min?: number; max?: number };
  label: FigureLabel;
  /** Ratio panel: each series over series[ratio.to] at equal x (same binning required for steps). */
  ratio?: { to: number; title?: string; min?: number; max?: number };
  size?: FigureSize;
  /** Where the legend goes; one placed at the bottom needs no head room above the data. @default top right */
  legendPosition?: { left?: number; right?: number; top?: number; bottom?: number };
}

function axisRange(values: number[], log: boolean | undefined, min?: number, max?: number): [number, number] {
  const [lo, hi] = extent(log ? values.filter((v) => v > 0) : values);
  const [a, b] = log ? niceLog(lo, hi) : niceLinear(lo, hi);
  return [min ?? a, max ?? b];
}

/** The two stacked series that draw a band: lo (invisible), then hi - lo filled down to lo. */
function bandOptions(s: LineSeries, axisIndex: number, k: number): object[] {
  if (!s.band?.length) return [];
  const common = { type: 'line', xAxisIndex: axisIndex, yAxisIndex: axisIndex, symbol: 'none', silent: true, stack: `band-${k}`, lineStyle: { opacity: 0 }, z: 1 };
  return [
    { ...common, name: `${s.label} band low`, data: s.band.map(([x, lo]) => [x, lo]) },
    { ...common, name: `${s.label} band`, data: s.band.map(([x, lo, hi]) => [x, hi - lo]), areaStyle: { opacity: BAND_OPACITY, ...(s.color ? { color: s.color } : {}) } },
  ];
}

function stepPoints(points: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < points.length; i++) {
    out.push([points[i][0], points[i][1]], [points[i + 1][0], points[i][1]]);
  }
  return out;
}

function seriesOption(s: LineSeries, axisIndex: number, k: number, points: Array<[number, number]>): object {
  return {
    name: s.label,
    type: 'line',
    xAxisIndex: axisIndex,
    yAxisIndex: axisIndex,
    symbol: s.markers ? 'circle' : 'none',
    symbolSize: 6,
    lineStyle: { width: 2, type: s.dashed ? 'dashed' : 'solid', ...(s.color ? { color: s.color } : {}) },
    ...(s.color ? { itemStyle: { color: s.color } } : {}),
    data: s.kind === 'step' ? stepPoints(points) : points,
    z: 10 - k,
  };
}

export function lineChart(input: LineChartInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const ratio = input.ratio;
  const mainBottom = ratio ? Math.round(size.height * 0.36) : GRID.bottom;
  const all = input.series.flatMap((s) => [...s.points, ...(s.band ?? []).flatMap(([x, lo, hi]): Array<[number, number]> => [[x, lo], [x, hi]])]);
  // x ends at the data (at the first tick reaching it), never a padding step beyond: an eps scan that
  // stops at 0.1 gets an axis that stops at 0.1.
  const [xa, xb] = input.x.log ? axisRange(all.map((p) => p[0]), true, input.x.min, input.x.max) : dataAxisRange(all.map((p) => p[0]), input.x.min, input.x.max);
  const [x0, x1] = input.x.integer ? [Math.floor(xa), Math.ceil(xb)] : [xa, xb];
  const [yLo, yHi] = axisRange(all.map((p) => p[1]), input.y.log, input.y.min, input.y.max);
  // Head room for the experiment label, sample text and legend inside the frame (at least 35%, more for a
  // long legend: about 17 px a row); linear ends on ticks, so no odd end label (0.665 beside 0.66) crowds the last tick.
  const plotHeight = size.height - GRID.top - mainBottom;
  const legendRows = input.legendPosition?.bottom === undefined ? input.series.length : 0;
  const textRows = input.label.lines?.length ?? 0;
  const legendShare = Math.min(0.6, (Math.max(legendRows, textRows) * 17 + 40) / plotHeight);
  const aligned = tickAlignedRange(yLo, yHi + ((yHi - yLo) * legendShare) / (1 - legendShare));
  const y0 = input.y.log || input.y.min !== undefined ? yLo : aligned.min;
  const y1 = input.y.max ?? (input.y.log ? yHi * 10 : aligned.max);
  const grids: object[] = [{ ...GRID, bottom: mainBottom }];
  const xs: object[] = xAxes({ name: input.x.title, type: input.x.log ? 'log' : 'value', min: x0, max: x1, hideLabels: Boolean(ratio), integer: input.x.integer });
  const ys: object[] = yAxes({ name: input.y.title, type: input.y.log ? 'log' : 'value', min: y0, max: y1 });
  const series: object[] = [...input.series.map((s, k) => seriesOption(s, 0, k, s.points)), ...input.series.flatMap((s, k) => bandOptions(s, 0, k))];
  const titles = axisTitles(size, { ...GRID, bottom: mainBottom }, ratio ? null : input.x.title, input.y.title);
  if (ratio) {
    const ref = input.series[ratio.to];
    const top = size.height - mainBottom + 10;
    grids.push({ ...GRID, top });
    xs.push(...xAxes({ name: input.x.title, type: input.x.log ? 'log' : 'value', min: x0, max: x1, gridIndex: 1, integer: input.x.integer }));
    ys.push(...yAxes({ name: '', type: 'value', min: ratio.min ?? 0.5, max: ratio.max ?? 1.5, gridIndex: 1 }));
    titles.push(...axisTitles(size, { ...GRID, top }, input.x.title, ratio.title ?? `ratio to ${ref.label}`));
    input.series.forEach((s, k) => {
      const pts: Array<[number, number]> = s.points.map((p, i) => [p[0], ref.points[i] && ref.points[i][1] !== 0 ? p[1] / ref.points[i][1] : NaN]);
      series.push({ ...seriesOption(s, 2, k, pts.filter((p) => Number.isFinite(p[1]))), name: s.label });
    });
  }
  return {
    ...baseOption(),
    grid: grids,
    xAxis: xs,
    yAxis: ys,
    legend: legend(input.series.map((s) => s.label), input.legendPosition ?? { right: GRID.right + 12, top: GRID.top + 12 }),
    graphic: [...titleGraphics(input.label, size), ...titles],
    series,
  };
}
