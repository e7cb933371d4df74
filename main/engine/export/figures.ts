/**
 * Every publication figure, built from the run store with the shared chart builders: the window and
 * `tagscape export` draw the same options. Each figure returns its ECharts option and a title.
 */
import path from 'node:path';
import { heatmapChart } from '../../../shared/charts/heatmap.ts';
import { lineChart, meanBandSeries, type LineSeries } from '../../../shared/charts/lines.ts';
import { landscapeMapInput } from '../../../shared/charts/landscape-map.ts';
import { inputShiftChart } from '../../../shared/charts/ratio-histogram.ts';
import { rocChart, type RocCurveData, type RocView } from '../../../shared/charts/roc.ts';
import { GRID, PETROFF10, type FigureLabel, type FigureSize } from '../../../shared/charts/style.ts';
import { wireframeChart } from '../../../shared/charts/wireframe.ts';
import { attackKey, type AttackKind, type AttackSpec } from '../attacks/spec.ts';
import type { JetDataset } from '../data/dataset.ts';
import { evaluateLoadedRun, predictRaw, rowsForRun } from '../evaluate/evaluate-run.ts';
import { externalDiscriminants } from '../evaluate/external.ts';
import { curvature } from '../landscape/curvature.ts';
import { computeLandscape, type SurfaceFile } from '../landscape/run-landscape.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { histogram } from '../metrics/histogram.ts';
import { attackCached } from '../robustness/attack-cache.ts';
import { evaluateAttacked } from '../robustness/attacked-evaluation.ts';
import { shiftsOfRows } from '../robustness/input-shifts.ts';
import { aggregateScan } from '../robustness/aggregate-seeds.ts';
import { robustnessScan, type ScanResult } from '../robustness/scan.ts';
import { formsSeedGroup, seedGroupOf } from '../study/seed-group.ts';
import { loadRun } from '../store/run-model.ts';
import { Workspace } from '../store/workspace.ts';
import type { EpochRecord } from '../train/loop.ts';

export const PLOTS = ['roc', 'robustness', 'shapes', 'inputs', 'history', 'landscape', 'landscape3d', 'inspect', 'curvature'] as const;
export type PlotName = (typeof PLOTS)[number];

export interface FigureRequest {
  plot: PlotName;
  workspace: string;
  runs: string[];
  data?: JetDataset;
  label: FigureLabel;
  /** @default 'BvL' */
  discriminant?: string;
  /** An attack overlaid on roc/shapes, shown by inputs/inspect. @default FGSM eps 0.05 where one is needed */
  attack?: AttackSpec;
  /** robustness: attacks and eps grid. @default fgsm,pgd,noise and 0,0.01,0.02,0.05,0.1 */
  attacks?: AttackKind[];
  eps?: number[];
  /** robustness: a scan already run for these runs, attacks and eps; without it the figure runs one. */
  scan?: ScanResult;
  /** roc: mistag rate or rejection on y. @default by the label preset (rejection for atlas) */
  view?: RocView;
  /** roc: existing taggers' scores from the data file, drawn beside the runs (BvL). */
  external?: Array<{ label: string; scores: Float64Array }>;
  /** inputs: the feature. @default the one the attack moves most */
  feature?: string;
  /** inspect / landscape: one jet (row index in the data file). */
  jet?: number;
  /** landscape: a stored surface, or the parameters to compute one. */
  surface?: SurfaceFile;
  directions?: string[];
  span?: number;
  grid?: number;
  jets?: number;
  /** landscape: colours and contours in log z (focal-loss maps reach 1e-6). @default false */
  logScale?: boolean;
  /** landscape: input axes in physical units (the jet's value, or the shift of an averaged map). @default false */
  physicalAxes?: boolean;
  size?: FigureSize;
}

export interface Figure {
  title: string;
  option: Record<string, unknown>;
}

const DISC_AXIS: Record<string, string> = { BvL: 'b vs light', BvC: 'b vs c', CvB: 'c vs b', CvL: 'c vs light' };

/** One colour per run in the history and curvature figures. */
const RUN_COLORS = ['#3f90da', '#ffa90e', '#bd1f01', '#832db6'];

/** The sample line printed inside figures. */
export function sampleText(data: JetDataset): string {
  if (data.source.kind === 'synthetic') return `Synthetic DeepCSV jets (${data.n.toLocaleString('en-US')})`;
  return `${path.basename(data.source.spec)} (${data.n.toLocaleString('en-US')} jets)`;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`This figure needs ${what}.`);
  return v;
}

function withLines(label: FigureLabel, lines: string[]): FigureLabel {
  return { ...label, lines: label.lines ?? lines };
}

function attackLabel(a: AttackSpec): string {
  return `${a.kind.toUpperCase()} ε = ${a.eps}`;
}

export async function buildFigure(req: FigureRequest): Promise<Figure> {
  const disc = req.discriminant ?? 'BvL';
  const attack: AttackSpec = req.attack ?? { kind: 'fgsm', eps: 0.05 };
  switch (req.plot) {
    case 'roc':
      return rocFigure(req, disc);
    case 'robustness':
      return robustnessFigure(req, disc);
    case 'shapes':
      return shapesFigure(req, disc, attack);
    case 'inputs':
      return inputsFigure(req, attack);
    case 'history':
      return historyFigure(req);
    case 'landscape':
    case 'landscape3d':
      return landscapeFigure(req, req.plot === 'landscape3d');
    case 'inspect':
      return inspectFigure(req, attack);
    case 'curvature':
      return curvatureFigure(req);
  }
}

async function rocFigure(req: FigureRequest, disc: string): Promise<Figure> {
  const data = need(req.data, '--data');
  const curves: RocCurveData[] = [];
  const spec = data.schema.discriminants.find((d) => d.name === disc);
  if (!spec) throw new Error(`Unknown discriminant "${disc}"; choose ${data.schema.discriminants.map((d) => d.name).join(', ')}.`);
  for (const [k, name] of req.runs.entries()) {
    const run = loadRun(req.workspace, name);
    // A run and its attacked inputs share a colour; the attacked curve is dashed.
    const color = PETROFF10[k % PETROFF10.length];
    try {
      const ev = evaluateLoadedRun(run, data);
      const d = ev.report.discriminants.find((x) => x.name === disc)!;
      if (!d.roc) throw new Error(d.reason ?? `${disc} is undefined on these jets.`);
      curves.push({ label: `${name} (AUC ${d.auc!.toFixed(3)})`, eff: d.roc.eff, mistag: d.roc.mistag, color, workingPoints: d.working_points ?? undefined });
      if (req.attack) {
        // White-box: each run is attacked with its own model (frozen inputs stay fixed in the attack code).
        const rep = (await evaluateAttacked(req.workspace, run, data, ev, req.attack)).discriminants.find((x) => x.name === disc)!;
        curves.push({ label: `${name}, ${attackLabel(req.attack)} (AUC ${rep.auc!.toFixed(3)})`, eff: rep.roc!.eff, mistag: rep.roc!.mistag, dashed: true, color, workingPoints: rep.working_points ?? undefined });
      }
    } finally {
      run.model.dispose();
    }
  }
  for (const [k, ext] of (req.external ?? []).entries()) {
    if (disc !== 'BvL') throw new Error(`An external tagger score is evaluated as BvL only, not ${disc}.`);
    const d = externalDiscriminants(data, ext.scores, ext.label).discriminants.find((x) => x.name === 'BvL')!;
    if (!d.roc) throw new Error(d.reason ?? 'BvL is undefined on these jets.');
    curves.push({ label: `${ext.label} (AUC ${d.auc!.toFixed(3)})`, eff: d.roc.eff, mistag: d.roc.mistag, color: PETROFF10[(req.runs.length + k) % PETROFF10.length], workingPoints: d.working_points ?? undefined });
  }
  if (curves.length === 0) throw new Error('A ROC figure needs at least one --run or --external tagger.');
  return {
    title: `ROC ${disc}`,
    option: rocChart({
      discriminant: disc, signal: spec.signal, background: spec.background, curves,
      label: withLines(req.label, [sampleText(data), `${DISC_AXIS[disc] ?? disc} discriminant`]),
      ratioTo: curves.length > 1 ? 0 : undefined, ratioName: req.runs[0] ?? req.external?.[0]?.label, size: req.size, view: req.view,
    }),
  };
}

async function robustnessFigure(req: FigureRequest, disc: string): Promise<Figure> {
  const data = need(req.data, '--data');
  const attacks = req.attacks ?? ['fgsm', 'pgd', 'noise'];
  const eps = req.eps ?? [0, 0.01, 0.02, 0.05, 0.1];
  const scan = req.scan ?? (await robustnessScan({ workspace: req.workspace, runs: req.runs, data, attacks, eps }));
  const series: LineSeries[] = [];
  const colors = ['#3f90da', '#ffa90e', '#bd1f01', '#832db6', '#94a4a2'];
  const results = scan.results.filter((x) => req.runs.includes(x.run));
  const seeded = formsSeedGroup(req.runs);
  if (seeded) {
    // Runs of several seeds: one mean line per model group and attack; the first attack's (solid) lines
    // over their ±1 sd bands. Bands of every attack would pile up into one colour; their sds are in the scan.
    const groups = aggregateScan(results, seedGroupOf);
    [...new Set(groups.map((g) => g.group))].forEach((group, r) => {
      attacks.forEach((a, k) => {
        const rows = groups.filter((g) => g.group === group && g.attack === a).sort((x, y) => x.eps - y.eps);
        const n = Math.max(...rows.map((g) => g.seeds.length), 1);
        const line = meanBandSeries(`${group}, ${a.toUpperCase()}${n > 1 ? ` (${n} seeds)` : ''}`, rows.map((g) => ({ x: g.eps, mean: g.auc[disc]?.mean ?? NaN, sd: g.auc[disc]?.sd ?? null })), {
          markers: true, dashed: k > 0, color: colors[r % colors.length],
        });
        series.push(k === 0 ? line : { ...line, band: undefined });
      });
    });
  } else {
    req.runs.forEach((run, r) => {
      attacks.forEach((a, k) => {
        series.push({
          label: `${run}, ${a.toUpperCase()}`,
          points: results.filter((x) => x.run === run && x.attack === a).map((x) => [x.eps, x.auc[disc] ?? NaN]),
          markers: true, dashed: k > 0, color: colors[r % colors.length],
        });
      });
    });
  }
  return {
    title: `AUC vs eps ${disc}`,
    option: lineChart({
      series, x: { title: 'ε (training σ)', min: 0 }, y: { title: `${disc} AUC` },
      label: withLines(req.label, [sampleText(data), ...(seeded ? [`mean over seeds, ±1 sd band (${attacks[0].toUpperCase()})`] : [])]), size: req.size,
      // Bottom left: AUCs fall from the top left, so that corner stays empty and the legend needs no head room.
      legendPosition: { left: GRID.left + 12, bottom: GRID.bottom + 12 },
    }),
  };
}

async function shapesFigure(req: FigureRequest, disc: string, attack: AttackSpec): Promise<Figure> {
  const data = need(req.data, '--data');
  const run = loadRun(req.workspace, req.runs[0]);
  try {
    const ev = evaluateLoadedRun(run, data);
    const spec = data.schema.discriminants.find((d) => d.name === disc);
    if (!spec) throw new Error(`Unknown discriminant "${disc}".`);
    const attacked = await attackCached(req.workspace, run, data, ev.rows, attack);
    const advProbs = predictRaw(run, data.schema, attacked.raw);
    const nominal = discriminant(ev.probs, ev.labels, data.schema, spec).values;
    const adv = discriminant(advProbs, ev.labels, data.schema, spec).values;
    // Signal and background of this discriminant, nominal (solid) and attacked (dashed).
    const series: LineSeries[] = [];
    const groups = [{ name: spec.signal.join('+'), classes: spec.signal, color: '#3f90da' }, { name: spec.background.join('+'), classes: spec.background, color: '#bd1f01' }];
    for (const g of groups) {
      const idx = g.classes.map((c) => data.schema.classes.indexOf(c));
      const sel = (i: number) => idx.includes(ev.labels[i]);
      const count = ev.labels.filter((l) => idx.includes(l)).length;
      if (count === 0) continue;
      const hn = histogram(nominal, { bins: 25, lo: 0, hi: 1, select: sel });
      const ha = histogram(adv, { bins: 25, lo: 0, hi: 1, select: sel });
      const pts = (h: ReturnType<typeof histogram>): Array<[number, number]> => [...h.counts.map((y, b): [number, number] => [h.edges[b], y / count]), [1, h.counts[h.counts.length - 1] / count]];
      series.push({ label: `${g.name} jets`, points: pts(hn), kind: 'step', color: g.color });
      series.push({ label: `${g.name} jets, ${attackLabel(attack)}`, points: pts(ha), kind: 'step', dashed: true, color: g.color });
    }
    return {
      title: `${disc} shapes`,
      option: lineChart({
        series, x: { title: `${disc} discriminant`, min: 0, max: 1 }, y: { title: 'fraction of jets', log: true },
        label: withLines(req.label, [sampleText(data), `run ${req.runs[0]}`]), size: req.size,
        legendPosition: { left: 240, top: 60 },
      }),
    };
  } finally {
    run.model.dispose();
  }
}

async function inputsFigure(req: FigureRequest, attack: AttackSpec): Promise<Figure> {
  const data = need(req.data, '--data');
  const run = loadRun(req.workspace, req.runs[0]);
  try {
    const { rows } = rowsForRun(run, data);
    const attacked = await attackCached(req.workspace, run, data, rows, attack);
    const shifts = shiftsOfRows(data, rows, attacked.raw, attacked.stats.mean_abs_delta_sigma, { bins: 40 });
    // By default the input whose distribution the attack changed most (Jensen–Shannon).
    const shift = req.feature ? shifts.find((s) => s.name === req.feature) : [...shifts].sort((a, b) => b.js - a.js)[0];
    if (!shift) throw new Error(`Unknown input feature "${req.feature}".`);
    return {
      title: `input ${shift.name}`,
      option: inputShiftChart(shift, attackLabel(attack), withLines(req.label, [sampleText(data), `run ${req.runs[0]}, defaults not shown`]), { size: req.size }),
    };
  } finally {
    run.model.dispose();
  }
}

function historyFigure(req: FigureRequest): Figure {
  const ws = new Workspace(req.workspace);
  const series: LineSeries[] = [];
  req.runs.forEach((name, k) => {
    ws.requireRun(name);
    const h = ws.readJson<EpochRecord[]>(name, 'history.json');
    series.push({ label: `${name} training`, points: h.map((r) => [r.epoch, r.loss]), markers: true, color: RUN_COLORS[k % RUN_COLORS.length] });
    series.push({ label: `${name} validation`, points: h.map((r) => [r.epoch, r.val_loss]), markers: true, dashed: true, color: RUN_COLORS[k % RUN_COLORS.length] });
  });
  return {
    title: 'training history',
    option: lineChart({ series, x: { title: 'epoch', min: 0, integer: true }, y: { title: 'loss' }, label: req.label, size: req.size }),
  };
}

async function landscapeFigure(req: FigureRequest, threeD: boolean): Promise<Figure> {
  const surface = req.surface ?? (await computeLandscape({
    workspace: req.workspace, runs: [req.runs[0]], data: need(req.data, '--data'), jet: req.jet, jets: req.jet === undefined ? (req.jets ?? 200) : undefined,
    directions: req.directions ?? ['fgsm', 'random'], span: req.span ?? 0.1, grid: req.grid ?? 41,
  }));
  const [ax, ay] = surface.axes;
  if (!ay) throw new Error('A 1D profile has no map; use two directions.');
  const lines = [surface.jets.length === 1 ? `jet ${surface.jets[0]}` : `mean over ${surface.jets.length} jets`, `run ${surface.run}`];
  // Every grid point (the window thins large grids for the screen only), axes and scale as on the Landscape page.
  const { input } = landscapeMapInput([ax, ay], surface.loss, surface.normalisation, { physical: req.physicalAxes, logScale: req.logScale });
  const common = { ...input, zTitle: 'loss', label: withLines(req.label, lines), size: req.size };
  return threeD
    ? { title: 'loss surface 3D', option: wireframeChart(common) }
    : { title: 'loss surface', option: heatmapChart(common) };
}

async function inspectFigure(req: FigureRequest, attack: AttackSpec): Promise<Figure> {
  const data = need(req.data, '--data');
  const run = loadRun(req.workspace, req.runs[0]);
  try {
    const jet = req.jet ?? rowsForRun(run, data).rows[0];
    const attacked = await attackCached(req.workspace, run, data, [jet], attack);
    const F = data.schema.features.length;
    const points: Array<[number, number]> = [];
    for (let j = 0; j < F; j++) points.push([j, (attacked.raw[j] - data.features[jet * F + j]) / run.standardizer.std[j]]);
    return {
      title: `jet ${jet} features`,
      option: lineChart({
        series: [{ label: `${attackLabel(attack)}: Δ per input (frozen inputs at 0)`, points, markers: true, color: '#bd1f01' }],
        x: { title: 'input index (DeepCSV order)', min: -1, max: F }, y: { title: 'Δ (training σ)' },
        label: withLines(req.label, [`jet ${jet} (${data.schema.classes[data.labels[jet]]}), run ${req.runs[0]}`, attackKey(attack)]), size: req.size,
      }),
    };
  } finally {
    run.model.dispose();
  }
}

function curvatureFigure(req: FigureRequest): Figure {
  const data = need(req.data, '--data');
  const results = curvature({ workspace: req.workspace, runs: req.runs, data, jets: req.jets ?? 300, powerSteps: 15 });
  const all = results.flatMap((r) => r.per_jet.grad_norm).filter((v) => v > 0);
  const lo = Math.log10(Math.min(...all));
  const hi = Math.log10(Math.max(...all));
  const bins = 30;
  const series: LineSeries[] = results.map((r, k) => {
    const h = histogram(r.per_jet.grad_norm.map((v) => Math.log10(Math.max(v, 1e-12))), { bins, lo, hi });
    const n = r.jets;
    const pts: Array<[number, number]> = [...h.counts.map((c, b): [number, number] => [Math.pow(10, h.edges[b]), c / n]), [Math.pow(10, hi), h.counts[bins - 1] / n]];
    return { label: `${r.run} (mean ${r.grad_norm_mean.toPrecision(3)})`, points: pts, kind: 'step', color: RUN_COLORS[k % RUN_COLORS.length] };
  });
  return {
    title: 'input-gradient norms',
    option: lineChart({ series, x: { title: '|grad_x L| per jet', log: true }, y: { title: 'fraction of jets' }, label: withLines(req.label, [sampleText(data)]), size: req.size }),
  };
}
