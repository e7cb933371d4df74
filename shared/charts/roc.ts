/**
 * ROC figure in flavour-tagging conventions. CMS: signal efficiency (x) against mistag rate (y, log,
 * 1e-4..1) with the 10%, 1% and 0.1% working points marked. ATLAS: background rejection 1/mistag (y, log).
 * An optional ratio panel shows each curve's mistag over the reference run's at equal efficiency.
 */
import { DEFAULT_SIZE, GRID, axisTitles, baseOption, legend, titleGraphics, xAxes, yAxes, type FigureLabel, type FigureSize } from './style.ts';

export interface RocCurveData {
  label: string;
  eff: number[];
  mistag: number[];
  /** Drawn dashed (e.g. attacked inputs). */
  dashed?: boolean;
}

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
}

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
  const atlas = input.label.preset === 'atlas';
  const minMistag = input.minMistag ?? 1e-4;
  const ratio = input.ratioTo !== undefined;
  const sig = flavourLabel(input.signal);
  const bkg = flavourLabel(input.background);
  const mainBottom = ratio ? Math.round(size.height * 0.36) : GRID.bottom;
  const grids: object[] = [{ ...GRID, bottom: mainBottom }];
  const xMin = 0.3;
  const x = xAxes({ name: `${sig}-jet efficiency`, type: 'value', min: xMin, max: 1, hideLabels: ratio });
  const y = atlas
    ? yAxes({ name: `${bkg}-jet rejection`, type: 'log', min: 1, max: 1 / minMistag })
    : yAxes({ name: `${bkg}-jet mistag rate`, type: 'log', min: minMistag, max: 1 });
  const series: object[] = input.curves.map((c, k) => ({
    name: c.label,
    type: 'line',
    xAxisIndex: 0,
    yAxisIndex: 0,
    symbol: 'none',
    lineStyle: { width: 2, type: c.dashed ? 'dashed' : 'solid' },
    data: c.eff
      .map((e, i) => [e, atlas ? 1 / c.mistag[i] : c.mistag[i]])
      .filter(([e, m]) => e >= xMin && Number.isFinite(m) && m >= (atlas ? 1 : minMistag) && m <= (atlas ? 1 / minMistag : 1)),
    z: 10 - k,
  }));
  // Working points: horizontal guides at 10%, 1%, 0.1% mistag.
  for (const wp of [1e-1, 1e-2, 1e-3]) {
    const yv = atlas ? 1 / wp : wp;
    series.push({
      type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, silent: true,
      lineStyle: { color: '#777', width: 1, type: [4, 4] }, data: [[xMin, yv], [1, yv]],
      endLabel: { show: true, formatter: `${wp * 100}%`, fontSize: 11, color: '#555', offset: [-34, -8] },
      tooltip: { show: false }, legendHoverLink: false,
    });
  }
  const xs = [...x];
  const ys = [...y];
  const xTitle = `${sig}-jet efficiency`;
  const yTitle = atlas ? `${bkg}-jet rejection` : `${bkg}-jet mistag rate`;
  const titles = axisTitles(size, { ...GRID, bottom: mainBottom }, ratio ? null : xTitle, yTitle);
  if (ratio) {
    const ref = input.curves[input.ratioTo!];
    const grid = Array.from({ length: 141 }, (_, i) => xMin + ((1 - xMin) * i) / 140);
    const refM = mistagAt(ref, grid);
    grids.push({ ...GRID, top: size.height - mainBottom + 10 });
    xs.push(...xAxes({ name: `${sig}-jet efficiency`, type: 'value', min: xMin, max: 1, gridIndex: 1 }));
    ys.push(...yAxes({ name: '', type: 'value', min: 0, max: 2, gridIndex: 1 }));
    titles.push(...axisTitles(size, { ...GRID, top: size.height - mainBottom + 10 }, xTitle, `ratio to ${input.ratioName ?? ref.label}`));
    input.curves.forEach((c, k) => {
      const m = mistagAt(c, grid);
      series.push({
        name: c.label, type: 'line', xAxisIndex: 2, yAxisIndex: 2, symbol: 'none', lineStyle: { width: 2, type: c.dashed ? 'dashed' : 'solid' },
        data: grid.map((e, i) => [e, refM[i] > 0 ? m[i] / refM[i] : null]).filter(([, r]) => r !== null && r <= 2),
        z: 10 - k,
      });
    });
  }
  return {
    ...baseOption(),
    grid: grids,
    xAxis: xs,
    yAxis: ys,
    legend: legend(input.curves.map((c) => c.label), { left: GRID.left + 14, top: GRID.top + 12 + 17 * (input.label.lines?.length ?? 0) }),
    graphic: [...titleGraphics(input.label, size), ...titles],
    series,
  };
}
