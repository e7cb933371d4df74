/**
 * Flatness of the loss around jets, per jet: the input-gradient norm over free inputs, the top
 * eigenvalue of the input Hessian (power iteration on Hessian-vector products), and the loss range
 * inside the L-inf eps-box (PGD ascent minus PGD descent). Summarised per class and overall.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attackBatch } from '../attacks/perturb.ts';
import { frozenMask } from '../attacks/frozen.ts';
import type { JetDataset } from '../data/dataset.ts';
import { fastAttack, fastPerJetLoss } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';
import { perJetLoss } from '../model/losses.ts';
import { oneHot } from '../model/one-hot.ts';
import { applyStandardizer } from '../preprocess/standardize.ts';
import { loadRun, type LoadedRun } from '../store/run-model.ts';
import { gradients, topHessianEigen } from './directions.ts';
import { normL2 } from './linalg.ts';
import { selectJets, type JetSelection } from './select-jets.ts';
import { gather } from '../data/gather.ts';

export interface CurvatureRequest extends JetSelection {
  workspace: string;
  runs: string[];
  data: JetDataset;
  /** The jets, already chosen (ascending row indices into data); instead of selecting them from the selection. */
  rows?: Uint32Array;
  /** Half-width of the L-inf box for the loss range, in sigma. @default 0.01 */
  eps?: number;
  /** Power-iteration steps. @default 30 */
  powerSteps?: number;
  seed?: number;
}

export interface Summary {
  mean: number;
  median: number;
  q16: number;
  q84: number;
}

export interface CurvatureResult {
  run: string;
  jets: number;
  eps: number;
  grad_norm_mean: number;
  hessian_top_eig_mean: number;
  loss_range_mean: number;
  grad_norm: Summary;
  hessian_top_eig: Summary;
  loss_range: Summary;
  per_class: Record<string, { jets: number; grad_norm: Summary; hessian_top_eig: Summary; loss_range: Summary }>;
  /** Per-jet values, in the order of `rows`. */
  per_jet: { rows: number[]; grad_norm: number[]; hessian_top_eig: number[]; loss_range: number[] };
}

export function summarise(values: ArrayLike<number>): Summary {
  const v = Array.from(values).sort((a, b) => a - b);
  if (v.length === 0) return { mean: NaN, median: NaN, q16: NaN, q84: NaN };
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * (v.length - 1) + 0.5))];
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, median: q(0.5), q16: q(0.16), q84: q(0.84) };
}

function lossRange(run: LoadedRun, x: Float32Array, labels: Int32Array, frozen: Uint8Array, eps: number): Float64Array {
  const F = run.model.config.inputs;
  if (kernelPath() === 'simd') {
    const { model } = run;
    const loss = run.config.train.loss;
    const base = { loss, frozen, factors: new Float32Array(F).fill(1), spec: { kind: 'pgd' as const, eps, steps: 10 } };
    const up = fastPerJetLoss(model, fastAttack(model, x, labels, base), labels, loss);
    const down = fastPerJetLoss(model, fastAttack(model, x, labels, { ...base, spec: { ...base.spec, descend: true } }), labels, loss);
    return Float64Array.from(up, (u, i) => Math.fround(u - down[i]));
  }
  const C = run.model.config.outputs;
  const n = labels.length;
  const out = new Float64Array(n);
  const chunk = 4096;
  const factors = tf.ones([F]) as tf.Tensor1D;
  try {
    for (let s = 0; s < n; s += chunk) {
      const e = Math.min(n, s + chunk);
      const range = tf.tidy(() => {
        const xs = tf.tensor2d(x.subarray(s * F, e * F), [e - s, F]);
        const y = tf.tensor2d(oneHot(labels.subarray(s, e), C), [e - s, C]);
        const fr = tf.cast(tf.tensor2d(frozen.subarray(s * F, e * F), [e - s, F], 'int32'), 'bool') as tf.Tensor2D;
        const base = { loss: run.config.train.loss, frozen: fr, factors, seed: 1, spec: { kind: 'pgd' as const, eps, steps: 10 } };
        const up = attackBatch(run.model, xs, y, base);
        const down = attackBatch(run.model, xs, y, { ...base, descend: true });
        const l = (z: tf.Tensor2D) => perJetLoss(run.model.logits(z), y, run.config.train.loss);
        return tf.sub(l(up), l(down));
      });
      out.set(range.dataSync(), s);
      range.dispose();
    }
  } finally {
    factors.dispose();
  }
  return out;
}

export function curvature(req: CurvatureRequest): CurvatureResult[] {
  const eps = req.eps ?? 0.01;
  const results: CurvatureResult[] = [];
  const { data } = req;
  const schema = data.schema;
  const F = schema.features.length;
  let rows: Uint32Array | null = req.rows ?? null;
  for (const name of req.runs) {
    const run = loadRun(req.workspace, name);
    try {
      // The same jets for every run: those of the first run.
      rows ??= selectJets(run, data, req);
      const x = applyStandardizer(data.features, schema, run.standardizer, rows);
      const labels = gather(data.labels, rows);
      const frozen = frozenMask(data.features, schema, rows);
      const g = gradients(run.model, run.config.train.loss, x, labels);
      for (let e = 0; e < g.length; e++) if (frozen[e]) g[e] = 0;
      const gradNorm = Float64Array.from({ length: rows.length }, (_, i) => normL2(g.subarray(i * F, (i + 1) * F)));
      const eig = topHessianEigen({
        model: run.model, loss: run.config.train.loss, schema, x, labels, frozen, normalisation: 'l2', seed: req.seed ?? 1, powerSteps: req.powerSteps,
      }).values;
      const range = lossRange(run, x, labels, frozen, eps);
      const perClass: CurvatureResult['per_class'] = {};
      schema.classes.forEach((c, k) => {
        const idx = [...labels.keys()].filter((i) => labels[i] === k);
        if (idx.length === 0) return;
        perClass[c] = {
          jets: idx.length,
          grad_norm: summarise(idx.map((i) => gradNorm[i])),
          hessian_top_eig: summarise(idx.map((i) => eig[i])),
          loss_range: summarise(idx.map((i) => range[i])),
        };
      });
      const gs = summarise(gradNorm);
      const hs = summarise(eig);
      const rs = summarise(range);
      results.push({
        run: name, jets: rows.length, eps,
        grad_norm_mean: gs.mean, hessian_top_eig_mean: hs.mean, loss_range_mean: rs.mean,
        grad_norm: gs, hessian_top_eig: hs, loss_range: rs, per_class: perClass,
        per_jet: { rows: Array.from(rows), grad_norm: Array.from(gradNorm), hessian_top_eig: Array.from(eig), loss_range: Array.from(range) },
      });
    } finally {
      run.model.dispose();
    }
  }
  return results;
}
