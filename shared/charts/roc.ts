/**
 * ROC figure in flavour-tagging conventions. Mistag view (CMS): signal efficiency (x) against mistag rate
 * (y, log, 1e-4..1). Rejection view (ATLAS): background rejection 1/mistag (y, log). Both mark the loose,
 * medium and tight working points (10%, 1%, 0.1% mistag) as guides and, where given, as points on each
 * curve. An optional ratio panel shows each curve over the reference curve at equal efficiency.
 */
import { DEFAULT_SIZE, FONT, GRID, PETROFF10, axisTitles, baseOption, legend, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface RocCurveData {
  label: string;
  eff: number[];
  mistag: number[];
  /** Drawn dashed (e.g. attacked inputs). */
  dashed?: boolean;
  /** Line colour; a run and its attacked inputs share one. @default the palette colour of the curve's index */
  color?: string;
  /** Efficiencies at the working points (e.g. the evaluation report's), drawn as points on the curve. */
  workingPoints?: Array<{ mistag: number; eff: number }>;
}

export type RocView = 'mistag' | 'rejection';

/** CMS names of the working points drawn as guides. */
export const WORKING_POINTS = [
  { mistag: 1e-1, name: 'L' },
  { mistag: 1e-2, name: 'M' },
  { mistag: 1e-3, name: 'T' },
] as const;

export interface RocChartInput {
  discriminant: string;
  /** Signal and background class names (for axis titles). */
  signal: string[];
  background: string[];
  curves: RocCurveData[];
  label: FigureLabel;
  /** Index of the reference curve for a ratio panel; absent = no ratio panel. */
  ratioTo?: number;
  /** Short name of the reference in the ratio title. @default the reference curve's label */
  ratioName?: string;
  size?: FigureSize;
  /** Lowest mistag on the axis. @default 1e-4 */
  minMistag?: number;
  /** y = mistag rate or rejection 1/mistag. @default 'rejection' for the atlas preset, else 'mistag' */
  view?: RocView;
}

/** The frame leaves room on the right for the working-point names, written just outside it. */
const FRAME = { ...GRID, right: 54 };

const FLAVOUR_NAME: Record<string, string> = { b: 'b', bb: 'b', c: 'c', udsg: 'light-flavour' };

export function flavourLabel(classes: string[]): string {
  const names = [...new Set(classes.map((c) => FLAVOUR_NAME[c] ?? c))];
  return names.join('+');
}

/** Mistag at the given efficiencies by linear interpolation (the curve's eff is non-decreasing). */
export function mistagAt(curve: RocCurveData, effs: number[]): number[] {
  return effs.map((e) => {
    for (let k = 1; k < curve.eff.length; k++) {
      if (curve.eff[k] >= e) {
        const d = curve.eff[k] - curve.eff[k - 1];
        return d > 0 ? curve.mistag[k - 1] + ((e - curve.eff[k - 1]) / d) * (curve.mistag[k] - curve.mistag[k - 1]) : curve.mistag[k];
      }
    }
    return curve.mistag[curve.mistag.length - 1];
  });
}

export function rocChart(input: RocChartInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const rejection = (input.view ?? (input.label.preset === 'atlas' ? 'rejection' : 'mistag')) === 'rejection';
  const minMistag = input.minMistag ?? 1e-4;
  const ratio = input.ratioTo !== undefined;
  const sig = flavourLabel(input.signal);
  const bkg = flavourLabel(input.background);
  const mainBottom = ratio ? Math.round(size.height * 0.36) : FRAME.bottom;
  const grids: object[] = [{ ...FRAME, bottom: mainBottom }];
  const xMin = 0.3;
  const x = xAxes({ name: `${sig}-jet efficiency`, type: 'value', min: xMin, max: 1, hideLabels: ratio });
  const y = rejection
    ? yAxes({ name: `${bkg}-jet rejection`, type: 'log', min: 1, max: 1 / minMistag })
    : yAxes({ name: `${bkg}-jet mistag rate`, type: 'log', min: minMistag, max: 1 });
  const yOf = (mistag: number) => (rejection ? 1 / mistag : mistag);
  const [yLo, yHi] = rejection ? [1, 1 / minMistag] : [minMistag, 1];
  const colorOf = (c: RocCurveData, k: number) => c.color ?? PETROFF10[k % PETROFF10.length];
  const series: object[] = input.curves.map((c, k) => ({
    name: c.label,
    type: 'line',
    xAxisIndex: 0,
    yAxisIndex: 0,
    symbol: 'none',
    itemStyle: { color: colorOf(c, k) },
    lineStyle: { width: 2, type: c.dashed ? 'dashed' : 'solid', color: colorOf(c, k) },
    data: c.eff
      .map((e, i) => [e, yOf(c.mistag[i])])
      .filter(([e, m]) => e >= xMin && Number.isFinite(m) && m >= yLo && m <= yHi),
    z: 10 - k,
  }));
  // Each curve's own working points, in its colour, sharing its legend entry.
  input.curves.forEach((c, k) => {
    const pts = (c.workingPoints ?? []).filter((w) => w.eff >= xMin && yOf(w.mistag) >= yLo && yOf(w.mistag) <= yHi);
    if (!pts.length) return;
    series.push({
      name: c.label, type: 'scatter', xAxisIndex: 0, yAxisIndex: 0, symbol: c.dashed ? 'emptyCircle' : 'circle', symbolSize: 8,
      itemStyle: { color: colorOf(c, k), borderColor: colorOf(c, k), borderWidth: 1.5 }, data: pts.map((w) => [w.eff, yOf(w.mistag)]), z: 20 - k,
    });
  });
  // Working points: horizontal guides at 10%, 1%, 0.1% mistag.
  for (const wp of WORKING_POINTS) {
    const yv = yOf(wp.mistag);
    series.push({
      type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, silent: true,
      lineStyle: { color: '#777', width: 1, type: [4, 4] }, data: [[xMin, yv], [1, yv]],
      endLabel: { show: true, formatter: `${wp.name} ${wp.mistag * 100}%`, fontFamily: FONT, fontSize: 10, color: '#555', distance: 4 },
      tooltip: { show: false }, legendHoverLink: false,
    });
  }
  const xs = [...x];
  const ys = [...y];
  const xTitle = `${sig}-jet efficiency`;
  const yTitle = rejection ? `${bkg}-jet rejection` : `${bkg}-jet mistag rate`;
  const titles = axisTitles(size, { ...FRAME, bottom: mainBottom }, ratio ? null : xTitle, yTitle);
  if (ratio) {
    const ref = input.curves[input.ratioTo!];
    const grid = Array.from({ length: 141 }, (_, i) => xMin + ((1 - xMin) * i) / 140);
    const refM = mistagAt(ref, grid);
    grids.push({ ...FRAME, top: size.height - mainBottom + 10 });
    xs.push(...xAxes({ name: `${sig}-jet efficiency`, type: 'value', min: xMin, max: 1, gridIndex: 1 }));
    ys.push(...yAxes({ name: '', type: 'value', min: 0, max: 2, gridIndex: 1 }));
    titles.push(...axisTitles(size, { ...FRAME, top: size.height - mainBottom + 10 }, xTitle, `ratio to ${input.ratioName ?? ref.label}`));
    input.curves.forEach((c, k) => {
      const m = mistagAt(c, grid);
      // The ratio of what the panel above shows: mistag over the reference's, or rejection over its.
      const ratioAt = (i: number) => (rejection ? (m[i] > 0 ? refM[i] / m[i] : null) : refM[i] > 0 ? m[i] / refM[i] : null);
      series.push({
        name: c.label, type: 'line', xAxisIndex: 2, yAxisIndex: 2, symbol: 'none', itemStyle: { color: colorOf(c, k) }, lineStyle: { width: 2, type: c.dashed ? 'dashed' : 'solid', color: colorOf(c, k) },
        data: grid.map((e, i) => [e, ratioAt(i)]).filter(([, r]) => r !== null && r <= 2),
        z: 10 - k,
      });
    });
  }
  return {
    ...baseOption(),
    grid: grids,
    xAxis: xs,
    yAxis: ys,
    // In the corner the curves leave empty: bottom left under rejection curves, bottom right under mistag curves.
    legend: { ...legend(input.curves.map((c) => c.label)), top: undefined, bottom: mainBottom + 8, ...(rejection ? { left: FRAME.left + 10, right: undefined } : { right: FRAME.right + 10 }) },
    graphic: [...titleGraphics(input.label, size, FRAME.right), ...titles],
    series,
  };
}
