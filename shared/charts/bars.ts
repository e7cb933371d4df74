/**
 * Grouped bar chart: one group per category (e.g. a class), one bar per series (e.g. nominal and
 * attacked), bars rising from zero. Inspect draws a jet's class probabilities before and after an attack
 * with it, on screen and in the exported figure.
 */
import { fixedDecimals } from './formatters.ts';
import { extent, niceLinear } from './ranges.ts';
import { DEFAULT_SIZE, FONT, GRID, axisTitles, baseOption, legend, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface BarSeries {
  label: string;
  /** One value per category, in the order of `categories`. */
  values: number[];
  color?: string;
}

export interface BarChartInput {
  categories: string[];
  series: BarSeries[];
  x: { title: string };
  y: { title: string; min?: number; max?: number };
  label: FigureLabel;
  /** Print every bar's value above it with this many decimals. @default no values printed */
  valueDecimals?: number;
  size?: FigureSize;
  legendPosition?: { left?: number; right?: number; top?: number };
}

/** The smallest 1-2-5 tick (at most 6 steps above y0) at or above `hi`. */
function roundUpToTick(y0: number, hi: number): number {
  const span = hi - y0;
  if (!(span > 0)) return y0 + 1;
  const mag = Math.pow(10, Math.floor(Math.log10(span)));
  const step = [0.1, 0.2, 0.5, 1, 2, 5].map((f) => f * mag).find((st) => span / st <= 6)!;
  return Number((y0 + Math.ceil(span / step) * step).toPrecision(12));
}

export function barChart(input: BarChartInput): Record<string, unknown> {
  for (const s of input.series) {
    if (s.values.length !== input.categories.length) throw new Error(`Bar series "${s.label}" has ${s.values.length} values for ${input.categories.length} categories.`);
  }
  const size = input.size ?? DEFAULT_SIZE;
  const [lo, hi] = extent(input.series.flatMap((s) => s.values));
  const y0 = input.y.min ?? Math.min(0, niceLinear(lo, hi)[0]);
  const top = Math.max(hi, 0);
  // Head room for the experiment label, sample text and legend inside the frame, as in lines.ts, ending
  // on a tick (0.75 -> 0.8, 0.94 -> 1) so the top label is a round number.
  const y1 = input.y.max ?? roundUpToTick(y0, top + 0.35 * (top - y0));
  // A category axis styled like the value axes: inward ticks between the groups on all four sides.
  const xs = (xAxes({ name: input.x.title, type: 'value' }) as Array<{ axisLabel: object }>).map((a) => ({
    ...a,
    type: 'category',
    data: input.categories,
    min: undefined,
    max: undefined,
    minorTick: { show: false },
    axisLabel: { ...a.axisLabel, formatter: undefined, interval: 0 },
  }));
  const decimals = input.valueDecimals;
  return {
    ...baseOption(),
    grid: [GRID],
    xAxis: xs,
    yAxis: yAxes({ name: input.y.title, type: 'value', min: y0, max: y1 }),
    legend: legend(input.series.map((s) => s.label), input.legendPosition ?? { right: GRID.right + 12, top: GRID.top + 12 }),
    graphic: [...titleGraphics(input.label, size), ...axisTitles(size, GRID, input.x.title, input.y.title)],
    series: input.series.map((s) => ({
      name: s.label,
      type: 'bar',
      barGap: '10%',
      barCategoryGap: '30%',
      ...(s.color ? { itemStyle: { color: s.color } } : {}),
      label: decimals === undefined
        ? { show: false }
        : { show: true, position: 'top', fontFamily: FONT, fontSize: 11, fontWeight: 'normal', fontStyle: 'normal', color: '#000', formatter: fixedDecimals(decimals) },
      data: s.values,
    })),
  };
}
