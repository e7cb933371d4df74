/**
 * Loss surfaces of one or more runs around the same jets along the same directions. Directions are
 * built with the first run's model, then carried to every run through physical units (direction in sigma
 * of the first run times its sigma, divided by the other run's sigma), so surfaces of a nominal and an
 * adversarially trained model can be compared and subtracted point by point. Around one jet, each run's
 * own FGSM step is located on the map (fgsm-step.ts); on request the curvature measures of curvature.ts
 * are added for the same jets.
 */
import { frozenMask } from '../attacks/frozen.ts';
import type { JetDataset } from '../data/dataset.ts';
import { asSource, jetsAt, type JetSource } from '../data/source.ts';
import { activeBackend } from '../backend.ts';
import { rowsOf, SPLIT_TRAIN } from '../preprocess/split.ts';
import { applyStandardizer } from '../preprocess/standardize.ts';
import { loadRun, type LoadedRun } from '../store/run-model.ts';
import { TAGSCAPE_VERSION } from '../version.ts';
import { curvature, type CurvatureResult } from './curvature.ts';
import { buildDirections, directionName, parseDirection, principalAxes, type DirectionSpec, type Normalisation } from './directions.ts';
import { fgsmDelta, projectOnPlane, type FgsmStep } from './fgsm-step.ts';
import { selectJets, type JetSelection } from './select-jets.ts';
import { lossSurface, offsets } from './surface.ts';
import { gather } from '../data/gather.ts';

export interface LandscapeRequest extends JetSelection {
  workspace: string;
  runs: string[];
  /** The jets: loaded whole, or a source of which only the scanned jets are read (all of it for pcaK directions). */
  data: JetDataset | JetSource;
  /** Two directions (or one for a 1D profile): feature names, fgsm, gradient, hessian, random, pcaK. */
  directions: string[];
  /** Half-width of the scan in the directions' units. @default 1 */
  span?: number;
  /** Points per axis (odd keeps 0 on the grid). @default 51 */
  grid?: number;
  /** @default 'linf' ('sigma' for two feature directions) */
  normalisation?: Normalisation;
  /** @default 1 */
  seed?: number;
  /** Move frozen entries too (integer inputs, defaults). @default false */
  moveFrozen?: boolean;
  /** Size in sigma of the FGSM step located on a per-jet map, and of the eps-box of the curvature loss range. @default span */
  fgsmEps?: number;
  /** Add the curvature measures (gradient norm, top Hessian eigenvalue, loss range in the eps-box) per run. @default false */
  curvature?: boolean;
  onProgress?(fraction: number): void;
}

export interface SurfaceAxis {
  name: string;
  kind: DirectionSpec['kind'];
  offsets: number[];
  /** For a feature axis: the values in physical units (per-jet surface) or the physical shift (averaged). */
  physical?: { unit: string; values: number[]; meaning: 'value' | 'shift' };
}

export interface SurfaceFile {
  tagscape_version: string;
  backend: string;
  run: string;
  runs: string[];
  data: { spec: string; hash: string };
  jets: number[];
  class: string | null;
  axes: SurfaceAxis[];
  /** loss[i][j] at axes[0].offsets[i], axes[1].offsets[j]: the first run's surface. */
  loss: number[][];
  center_loss: number;
  /** One per run; around one jet, `fgsm_step` is where that run's own FGSM step projects onto the map. */
  surfaces: Array<{ run: string; loss: number[][]; center_loss: number; fgsm_step?: FgsmStep }>;
  /** The eps of the FGSM steps and of the curvature eps-box, in sigma. */
  fgsm_eps: number;
  /** Per run, when requested: curvature.ts's summaries over the same jets (per-jet values left out). */
  curvature?: Array<Omit<CurvatureResult, 'per_jet'>>;
  loss_definition: string;
  normalisation: Normalisation;
  move_frozen: boolean;
  seed: number;
  grid: number;
  span: number;
  feature_names: string[];
  feature_units: string[];
  /** The direction vectors in the first run's standardised units, one per jet and axis (jets x F). */
  directions: Array<{ name: string; vectors: number[][] }>;
  directions_from_run: string;
  seconds: number;
}

function physicalDirections(run: LoadedRun, d: Float32Array, F: number): Float32Array {
  const out = new Float32Array(d.length);
  for (let e = 0; e < d.length; e++) out[e] = d[e] * run.standardizer.std[e % F];
  return out;
}

function toRunUnits(run: LoadedRun, dPhys: Float32Array, F: number): Float32Array {
  const out = new Float32Array(dPhys.length);
  for (let e = 0; e < dPhys.length; e++) out[e] = dPhys[e] / run.standardizer.std[e % F];
  return out;
}

/** Whether these directions need every jet in memory (principal axes are taken over the training jets), not only the scanned ones. */
export function needsAllJets(directions: string[]): boolean {
  return directions.some((d) => /^pca\d+$/i.test(d.trim()));
}

export async function computeLandscape(req: LandscapeRequest): Promise<SurfaceFile> {
  const t0 = performance.now();
  if (req.runs.length === 0) throw new Error('A loss surface needs at least one run.');
  if (req.directions.length < 1 || req.directions.length > 2) throw new Error('Give one direction (1D profile) or two (2D surface).');
  const src = asSource(req.data);
  const schema = src.schema;
  const F = schema.features.length;
  const specs = req.directions.map((t) => parseDirection(t, schema));
  const grid = req.grid ?? 51;
  const span = req.span ?? 1;
  const normalisation = req.normalisation ?? (specs.every((s) => s.kind === 'feature') ? 'sigma' : 'linf');
  const seed = req.seed ?? 1;
  const fgsmEps = req.fgsmEps ?? span;
  if (!(fgsmEps >= 0) || !Number.isFinite(fgsmEps)) throw new Error(`The FGSM eps must be a finite number >= 0 (in sigma), not ${fgsmEps}.`);
  const runs = req.runs.map((r) => loadRun(req.workspace, r));
  try {
    const first = runs[0];
    const jets = selectJets(first, src, req);
    // Principal axes need the training jets; every other direction only the scanned jets, so only those are read.
    const pca = specs.some((s) => s.kind === 'pca');
    const { data, at } = await jetsAt(src, jets, pca);
    const x = applyStandardizer(data.features, schema, first.standardizer, at);
    const labels = gather(data.labels, at);
    const frozen = frozenMask(data.features, schema, at);
    if (req.jet !== undefined && !req.moveFrozen) {
      for (const s of specs.filter((d) => d.kind === 'feature')) {
        const j = schema.features.findIndex((f) => f.name === s.feature);
        if (frozen[j]) throw new Error(`${s.feature} is frozen for jet ${req.jet} (${schema.features[j].integer ? 'an integer input' : 'it sits at its default value'}); choose another jet or let the directions move frozen inputs (--move-frozen).`);
      }
    }
    let principal: number[][] | undefined;
    if (pca) {
      const trainRows = data.source.hash === first.config.data.hash ? rowsOf(first.split, SPLIT_TRAIN) : Uint32Array.from({ length: data.n }, (_, i) => i);
      principal = principalAxes(applyStandardizer(data.features, schema, first.standardizer, trainRows), frozenMask(data.features, schema, trainRows), schema).vectors;
    }
    const ctx = { model: first.model, loss: first.config.train.loss, schema, x, labels, frozen, normalisation, seed, moveFrozen: req.moveFrozen, principal };
    const dirs = buildDirections(specs as [DirectionSpec, DirectionSpec], ctx);
    const d1 = dirs[0];
    const d2 = dirs[1] ?? new Float32Array(d1.length);
    const offsA = offsets(span, grid);
    const offsB = specs.length === 2 ? offsets(span, grid) : [0];
    const surfaces: SurfaceFile['surfaces'] = [];
    // The surfaces' share of the progress bar; the curvature measures take the rest.
    const share = req.curvature ? 0.8 : 1;
    for (const [k, run] of runs.entries()) {
      const same = run === first;
      const xr = same ? x : applyStandardizer(data.features, schema, run.standardizer, at);
      const d1r = same ? d1 : toRunUnits(run, physicalDirections(first, d1, F), F);
      const d2r = same ? d2 : toRunUnits(run, physicalDirections(first, d2, F), F);
      const loss = await lossSurface({
        model: run.model, loss: run.config.train.loss, x: xr, labels, d1: d1r, d2: d2r, offsetsA: offsA, offsetsB: offsB,
        onProgress: (f) => req.onProgress?.((share * (k + f)) / runs.length),
      });
      const ia = offsA.indexOf(0);
      const ib = offsB.indexOf(0);
      const entry: SurfaceFile['surfaces'][number] = { run: run.config.name, loss, center_loss: ia >= 0 && ib >= 0 ? loss[ia][ib] : NaN };
      if (jets.length === 1) entry.fgsm_step = locateFgsm(run, first, xr, labels[0], frozen, fgsmEps, d1, d2);
      surfaces.push(entry);
    }
    const curvatures = req.curvature
      ? curvature({ workspace: req.workspace, runs: req.runs, data, rows: at, eps: fgsmEps, seed }).map(({ per_jet: _, ...summary }) => summary)
      : undefined;
    req.onProgress?.(1);
    const axes: SurfaceAxis[] = specs.map((s, k) => {
      const axis: SurfaceAxis = { name: directionName(s), kind: s.kind, offsets: k === 0 ? offsA : offsB };
      if (s.kind === 'feature') {
        const j = schema.features.findIndex((f) => f.name === s.feature);
        // A feature axis is the unit vector of that input (every normalisation leaves it at 1).
        const step = first.standardizer.std[j];
        const perJet = jets.length === 1;
        const base = perJet ? data.features[at[0] * F + j] : 0;
        axis.physical = { unit: schema.features[j].unit, values: axis.offsets.map((o) => base + o * step), meaning: perJet ? 'value' : 'shift' };
      }
      return axis;
    });
    return {
      tagscape_version: TAGSCAPE_VERSION,
      backend: activeBackend(),
      run: runs[0].config.name,
      runs: req.runs,
      data: { spec: data.source.spec, hash: data.source.hash },
      jets: Array.from(jets),
      class: req.className ?? null,
      axes,
      loss: surfaces[0].loss,
      center_loss: surfaces[0].center_loss,
      surfaces,
      fgsm_eps: fgsmEps,
      ...(curvatures ? { curvature: curvatures } : {}),
      loss_definition: `mean over the jets of the run's training loss (${first.config.train.loss.name === 'focal' ? `focal, gamma ${first.config.train.loss.gamma}: -(1-p_true)^gamma ln p_true` : 'cross-entropy: -ln p_true'}) at x + a d1 + b d2, inputs standardised`,
      normalisation,
      move_frozen: Boolean(req.moveFrozen),
      seed,
      grid,
      span,
      feature_names: schema.features.map((f) => f.name),
      feature_units: schema.features.map((f) => f.unit),
      directions: specs.map((s, k) => ({
        name: directionName(s),
        vectors: Array.from({ length: jets.length }, (_, i) => Array.from(dirs[k].subarray(i * F, (i + 1) * F))),
      })),
      directions_from_run: runs[0].config.name,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    runs.forEach((r) => r.model.dispose());
  }
}

/** This run's FGSM step of the one jet, carried through physical units to the first run's (where d1, d2 live) and projected. */
function locateFgsm(run: LoadedRun, first: LoadedRun, x: Float32Array, label: number, frozen: Uint8Array, eps: number, d1: Float32Array, d2: Float32Array): FgsmStep {
  const F = x.length;
  const step = fgsmDelta(run.model, run.config.train.loss, x, label, frozen, eps);
  const delta = run === first ? step.delta : toRunUnits(first, physicalDirections(run, step.delta, F), F);
  return { eps, ...projectOnPlane(delta, d1, d2), loss: step.loss };
}

/** CSV export: run,a,b,loss (one line per grid point and run). */
export function surfaceCsv(s: SurfaceFile): string {
  const lines = [`run,${s.axes[0].name},${s.axes[1]?.name ?? 'b'},loss`];
  for (const surf of s.surfaces) {
    surf.loss.forEach((row, i) => row.forEach((l, j) => lines.push(`${surf.run},${s.axes[0].offsets[i]},${s.axes[1]?.offsets[j] ?? 0},${l}`)));
  }
  return lines.join('\n') + '\n';
}
