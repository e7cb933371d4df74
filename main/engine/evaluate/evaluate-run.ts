/**
 * Evaluate a stored run on jets. On the file the run was trained on (same hash) only the held-out test
 * split is used; on any other data every jet is.
 */
import type { JetDataset } from '../data/dataset.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { evaluatePredictions, type EvaluationReport } from '../metrics/evaluate.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { predictArray } from '../model/mlp.ts';
import { rowsOf, SPLIT_TEST } from '../preprocess/split.ts';
import { applyStandardizer } from '../preprocess/standardize.ts';
import { loadRun } from '../store/run-model.ts';

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

export function evaluateRun(workspace: string, name: string, data: JetDataset): RunEvaluation {
  const run = loadRun(workspace, name);
  try {
    if (run.config.schema !== data.schema.name) {
      throw new Error(`Run "${name}" was trained on ${run.config.schema} inputs; these data are ${data.schema.name}.`);
    }
    const sameData = data.source.hash === run.config.data.hash;
    const rows = sameData ? rowsOf(run.split, SPLIT_TEST) : Uint32Array.from({ length: data.n }, (_, i) => i);
    const x = applyStandardizer(data.features, data.schema, run.standardizer, rows);
    const probs = predictArray(run.model, x);
    const labels = Int32Array.from(rows, (i) => data.labels[i]);
    const weights = data.weights ? Float32Array.from(rows, (i) => data.weights![i]) : undefined;
    const report = evaluatePredictions(data.schema, probs, labels, weights);
    return { run: name, split: sameData ? 'test' : 'all', rows, probs, labels, weights, report };
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
