/**
 * Two histograms of one quantity on the same binning (e.g. an input feature before and after an attack)
 * in the HEP layout: step histograms in the upper panel, their ratio compared / reference in the lower
 * panel with a guide at 1. Built on the line chart's ratio layout, so it shares its frame, ticks and label.
 */
import { lineChart } from './lines.ts';
import { tickAlignedRange } from './ranges.ts';
import type { FigureLabel, FigureSize } from './style.ts';

export interface RatioHistogramInput {
  /** Bin edges (bins + 1), shared by both histograms. */
  edges: number[];
  /** The denominator of the ratio, e.g. the raw inputs. */
  reference: { label: string; counts: number[] };
  /** The numerator, e.g. the attacked inputs. */
  compared: { label: string; counts: number[] };
  x: { title: string };
  /** @default { title: 'fraction of jets', log: false } */
  y?: { title?: string; log?: boolean };
  /** Both histograms are divided by this (e.g. all entries including under- and overflow). @default the reference's in-range sum */
  total?: number;
  /** @default { title: `${compared.label} / ${reference.label}`, min: 0, max: 2 } */
  ratio?: { title?: string; min?: number; max?: number };
  /** @default '#000000' and '#bd1f01' */
  colors?: [string, string];
  label: FigureLabel;
  size?: FigureSize;
}

/** Ratio per bin, null where the reference bin is empty (no ratio is defined there). */
export function binRatios(compared: number[], reference: number[]): Array<number | null> {
  if (compared.length !== reference.length) throw new RangeError(`Histograms differ in length (${compared.length} vs ${reference.length}).`);
  return reference.map((r, b) => (r > 0 ? compared[b] / r : null));
}

export function ratioHistogramChart(input: RatioHistogramInput): Record<string, unknown> {
  const { edges, reference, compared } = input;
  if (edges.length !== reference.counts.length + 1) throw new RangeError(`A histogram with ${reference.counts.length} bins needs ${reference.counts.length + 1} edges, not ${edges.length}.`);
  const total = input.total ?? (reference.counts.reduce((a, b) => a + b, 0) || 1);
  const [refColor, cmpColor] = input.colors ?? ['#000000', '#bd1f01'];
  const steps = (counts: number[]): Array<[number, number]> => [...counts.map((c, b): [number, number] => [edges[b], c / total]), [edges[edges.length - 1], counts[counts.length - 1] / total]];
  const rMin = input.ratio?.min ?? 0;
  const rMax = input.ratio?.max ?? 2;
  const option = lineChart({
    series: [
      { label: reference.label, points: steps(reference.counts), kind: 'step', color: refColor },
      { label: compared.label, points: steps(compared.counts), kind: 'step', color: cmpColor },
    ],
    // The binned range rounded outwards only to the next round number: a histogram needs no padding.
    x: { title: input.x.title, ...tickAlignedRange(edges[0], edges[edges.length - 1]) },
    y: { title: input.y?.title ?? 'fraction of jets', log: input.y?.log },
    ratio: { to: 0, title: input.ratio?.title ?? `${compared.label} / ${reference.label}`, min: rMin, max: rMax },
    label: input.label,
    size: input.size,
  });
  // The line chart draws every series over the reference, stepping across empty reference bins. Here
  // the lower panel is redrawn: a guide at 1 over the whole range, and the ratio only where it is
  // defined, clipped to the panel (a break, '-', wherever a bin has no ratio).
  const ratios = binRatios(compared.counts, reference.counts);
  const data: Array<[number, number | '-']> = [];
  ratios.forEach((r, b) => {
    if (r === null) {
      data.push([edges[b], '-']);
      return;
    }
    const v = Math.min(Math.max(r, rMin), rMax);
    data.push([edges[b], v], [edges[b + 1], v]);
  });
  const upper = (option.series as Array<{ xAxisIndex: number }>).filter((s) => s.xAxisIndex === 0);
  const { min: x0, max: x1 } = (option.xAxis as Array<{ min: number; max: number }>)[2];
  return {
    ...option,
    series: [
      ...upper,
      {
        type: 'line', xAxisIndex: 2, yAxisIndex: 2, silent: true, symbol: 'none', data: [[x0, 1], [x1, 1]],
        lineStyle: { color: '#777', width: 1, type: [4, 4] }, tooltip: { show: false }, legendHoverLink: false,
      },
      {
        name: compared.label, type: 'line', xAxisIndex: 2, yAxisIndex: 2, symbol: 'none', connectNulls: false, data,
        lineStyle: { width: 2, color: cmpColor }, itemStyle: { color: cmpColor },
      },
    ],
  };
}

/** A binned distribution with the entries outside its range. */
export interface BinnedCounts {
  edges: number[];
  counts: number[];
  underflow: number;
  overflow: number;
}

/** How an attack changed one input: the engine's input-shift record (robustness/input-shifts.ts). */
export interface InputShiftData {
  name: string;
  unit: string;
  nominal: BinnedCounts;
  attacked: BinnedCounts;
  kl: number;
  js: number;
}

/**
 * One input before and after an attack, with the ratio panel. The window draws it from a robustness job's
 * result and `tagscape export --plot inputs` from the run store, so both are the same figure. Both
 * histograms are fractions of all jets where the input is not at its default (under- and overflow included).
 */
export function inputShiftChart(shift: InputShiftData, attack: string, label: FigureLabel, options: { size?: FigureSize; log?: boolean } = {}): Record<string, unknown> {
  const unit = shift.unit ? ` [${shift.unit}]` : '';
  const entries = shift.nominal.counts.reduce((a, b) => a + b, shift.nominal.underflow + shift.nominal.overflow);
  // The range is the nominal one, so only attacked entries can fall outside it: not drawn, but they
  // count in KL and JS, so say how many.
  const outside = (100 * (shift.attacked.underflow + shift.attacked.overflow)) / (entries || 1);
  const flows = outside > 0 ? [`${outside.toFixed(1)}% moved off range`] : [];
  return ratioHistogramChart({
    edges: shift.nominal.edges,
    reference: { label: 'nominal', counts: shift.nominal.counts },
    compared: { label: `${attack} (KL ${shift.kl.toFixed(3)}, JS ${shift.js.toFixed(3)})`, counts: shift.attacked.counts },
    total: entries || 1,
    x: { title: `${shift.name}${unit}` },
    y: { title: 'fraction of jets', log: options.log ?? true },
    ratio: { title: 'att. / nom.', min: 0, max: 2 },
    label: flows.length ? { ...label, lines: [...(label.lines ?? []), ...flows] } : label,
    size: options.size,
  });
}
