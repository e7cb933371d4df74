/**
 * Evaluate a stored run on jets. On the file the run was trained on (same hash) only the held-out test
 * split is used; on any other data every jet is.
 */
import type { DataSource, JetDataset } from '../data/dataset.ts';
import type { JetSource } from '../data/source.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { evaluatePredictions, type EvaluationReport } from '../metrics/evaluate.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { predictArray, predictArrayAsync } from '../model/mlp.ts';
import { rowsOf, SPLIT_TEST } from '../preprocess/split.ts';
import { applyStandardizer } from '../preprocess/standardize.ts';
import { loadRun, type LoadedRun } from '../store/run-model.ts';
import { predictSourceRows } from './predict-source.ts';
import { gather, iota } from '../data/gather.ts';

export interface RunEvaluation {
  run: string;
  /** 'test' when evaluated on the run's own held-out split, 'all' otherwise. */
  split: 'test' | 'all';
  /** Row indices in the data of the evaluated jets, in the order of probs and labels. */
  rows: Uint32Array;
  probs: Float32Array;
  labels: Int32Array;
  weights?: Float32Array;
  report: EvaluationReport;
}

/** Refuses, in one sentence, data whose inputs are not the ones the run was trained on. */
export function requireSchema(run: LoadedRun, schema: FeatureSchema): void {
  if (run.config.schema !== schema.name) {
    throw new Error(`Run "${run.config.name}" was trained on ${run.config.schema} inputs; these data are ${schema.name}.`);
  }
}

/** The jets a run is judged on: its held-out test split on its own training data, else every jet. */
export function rowsForRun(run: LoadedRun, data: { schema: FeatureSchema; source: DataSource; n: number }): { rows: Uint32Array; split: 'test' | 'all' } {
  requireSchema(run, data.schema);
  if (data.source.hash === run.config.data.hash) return { rows: rowsOf(run.split, SPLIT_TEST), split: 'test' };
  return { rows: iota(data.n), split: 'all' };
}

/** Jets standardised and predicted at a time by predictRaw: predictArray's own chunk, so its tensor calls are unchanged. */
export const RAW_CHUNK = 8192;

/** rows[s..e) without copying a typed array. */
function rowSlice(rows: ArrayLike<number>, s: number, e: number): ArrayLike<number> {
  return ArrayBuffer.isView(rows) ? (rows as Uint32Array).subarray(s, e) : Array.prototype.slice.call(rows, s, e);
}

/**
 * The jets in physical units (the given rows, or all) standardised a chunk at a time into one reused
 * buffer, never as a second copy of the whole set: each chunk's first jet and its scaled inputs, valid
 * until the next chunk is asked for.
 */
function* scaledChunks(run: LoadedRun, schema: FeatureSchema, raw: Float32Array, rows?: ArrayLike<number>): Generator<{ start: number; x: Float32Array }> {
  const F = schema.features.length;
  const n = rows ? rows.length : raw.length / F;
  const scaled = new Float32Array(Math.min(n, RAW_CHUNK) * F);
  for (let s = 0; s < n; s += RAW_CHUNK) {
    const e = Math.min(n, s + RAW_CHUNK);
    const x = rows
      ? applyStandardizer(raw, schema, run.standardizer, rowSlice(rows, s, e), scaled)
      : applyStandardizer(raw.subarray(s * F, e * F), schema, run.standardizer, undefined, scaled);
    yield { start: s, x };
  }
}

const jetsOf = (schema: FeatureSchema, raw: Float32Array, rows?: ArrayLike<number>) => (rows ? rows.length : raw.length / schema.features.length);

/** Class probabilities of a run for jets in physical units (the given rows, or all). */
export function predictRaw(run: LoadedRun, schema: FeatureSchema, raw: Float32Array, rows?: ArrayLike<number>): Float32Array {
  const C = run.model.config.outputs;
  const out = new Float32Array(jetsOf(schema, raw, rows) * C);
  for (const { start, x } of scaledChunks(run, schema, raw, rows)) out.set(predictArray(run.model, x, RAW_CHUNK), start * C);
  return out;
}

/**
 * predictRaw while this thread's event loop goes on (predictArrayAsync): for the loopback server and the
 * Electron main process, which must keep answering while a large set is scored. The same numbers.
 */
export async function predictRawAsync(run: LoadedRun, schema: FeatureSchema, raw: Float32Array, rows?: ArrayLike<number>): Promise<Float32Array> {
  const C = run.model.config.outputs;
  const out = new Float32Array(jetsOf(schema, raw, rows) * C);
  for (const { start, x } of scaledChunks(run, schema, raw, rows)) out.set(await predictArrayAsync(run.model, x, RAW_CHUNK), start * C);
  return out;
}

export function evaluateLoadedRun(run: LoadedRun, data: JetDataset): RunEvaluation {
  const { rows, split } = rowsForRun(run, data);
  const probs = predictRaw(run, data.schema, data.features, rows);
  const labels = gather(data.labels, rows);
  const weights = data.weights ? gather(data.weights, rows) : undefined;
  const report = evaluatePredictions(data.schema, probs, labels, weights);
  return { run: run.config.name, split, rows, probs, labels, weights, report };
}

/**
 * The same evaluation on a source, which may be streamed from disk: the jets are read in one pass and
 * only their probabilities are kept. On a source loaded whole it gives exactly evaluateLoadedRun's numbers.
 */
export async function evaluateLoadedRunOnSource(run: LoadedRun, src: JetSource): Promise<RunEvaluation> {
  const { rows, split } = rowsForRun(run, src);
  const probs = await predictSourceRows(run.model, run.standardizer, src, rows);
  const labels = gather(src.labels, rows);
  const weights = src.weights ? gather(src.weights, rows) : undefined;
  const report = evaluatePredictions(src.schema, probs, labels, weights);
  return { run: run.config.name, split, rows, probs, labels, weights, report };
}

export async function evaluateRunOnSource(workspace: string, name: string, src: JetSource): Promise<RunEvaluation> {
  const run = loadRun(workspace, name);
  try {
    return await evaluateLoadedRunOnSource(run, src);
  } finally {
    run.model.dispose();
  }
}

export function evaluateRun(workspace: string, name: string, data: JetDataset): RunEvaluation {
  const run = loadRun(workspace, name);
  try {
    return evaluateLoadedRun(run, data);
  } finally {
    run.model.dispose();
  }
}

/** CSV of per-jet scores: jet,label,p_<class>...,<discriminant>...,weight (jet = row in the data file). */
export function scoresCsv(ev: RunEvaluation, schema: FeatureSchema): string {
  const classes = schema.classes;
  const C = classes.length;
  const discs = schema.discriminants.map((d) => discriminant(ev.probs, ev.labels, schema, d).values);
  const header = ['jet', 'label', ...classes.map((c) => `p_${c}`), ...schema.discriminants.map((d) => d.name), 'weight'];
  const lines = [header.join(',')];
  for (let k = 0; k < ev.rows.length; k++) {
    const p = Array.from(ev.probs.subarray(k * C, (k + 1) * C), (v) => v.toPrecision(9));
    const dv = discs.map((v) => v[k].toPrecision(9));
    lines.push([ev.rows[k], classes[ev.labels[k]], ...p, ...dv, ev.weights ? ev.weights[k] : 1].join(','));
  }
  return lines.join('\n') + '\n';
}
