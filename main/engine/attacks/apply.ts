/**
 * Attack a set of jets with a model: standardise with the model's own standardisation, perturb in
 * chunks, and map back to physical units. Entries that did not move (frozen or zero gradient) are copied
 * from the input, so they stay bit-identical in the raw file too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fastAttack, fastAttackable } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';
import type { LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { oneHot } from '../model/one-hot.ts';
import { applyStandardizer, type Standardizer } from '../preprocess/standardize.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { frozenMask } from './frozen.ts';
import { attackBatch } from './perturb.ts';
import { validateAttack, type AttackOptions, type AttackSpec } from './spec.ts';
import { gather } from '../data/gather.ts';

export interface AttackRequest {
  model: Mlp;
  standardizer: Standardizer;
  schema: FeatureSchema;
  loss: LossConfig;
  /** All jets in physical units (n x F) and their labels; `rows` picks the ones to attack. */
  raw: Float32Array;
  labels: Int32Array;
  rows: ArrayLike<number>;
  spec: AttackSpec;
  options?: AttackOptions;
  /** Jets per tensor batch. @default 4096 */
  chunk?: number;
}

export interface AttackStats {
  jets: number;
  /** 'inference': dropout off, as at evaluation time. */
  mode: 'inference';
  frozen_fraction: number;
  /** Fraction of free entries that changed. */
  moved_fraction: number;
  /** Mean |x' - x| per feature in units of its training-set sigma, over all attacked jets. */
  mean_abs_delta_sigma: number[];
}

export interface AttackResult {
  /** Attacked jets in physical units, rows.length x F, in the order of `rows`. */
  raw: Float32Array;
  stats: AttackStats;
}

export function groupMatrix(schema: FeatureSchema): { matrix: Float32Array; groups: string[] } {
  const groups = [...new Set(schema.features.map((f) => f.group))];
  const F = schema.features.length;
  const matrix = new Float32Array(F * groups.length);
  schema.features.forEach((f, j) => (matrix[j * groups.length + groups.indexOf(f.group)] = 1));
  return { matrix, groups };
}

/** The attack of one chunk as tensor code (the tfjs reference path). */
function tensorAttack(req: AttackRequest, xs: Float32Array, labels: Int32Array, frozen: Uint8Array, cap: Float32Array | undefined, factorT: tf.Tensor1D, groupT: tf.Tensor2D, c0: number): Float32Array {
  const m = labels.length;
  const F = req.schema.features.length;
  const C = req.schema.classes.length;
  const xa = tf.tidy(() =>
    attackBatch(req.model, tf.tensor2d(xs, [m, F]), tf.tensor2d(oneHot(labels, C), [m, C]), {
      spec: req.spec,
      loss: req.loss,
      frozen: tf.cast(tf.tensor2d(frozen, [m, F], 'int32'), 'bool') as tf.Tensor2D,
      factors: factorT,
      groups: groupT,
      cap: cap ? tf.tensor2d(cap, [m, F]) : undefined,
      seed: (req.spec.seed ?? 1) * 7919 + c0,
    }),
  );
  const adv = xa.dataSync() as Float32Array;
  xa.dispose();
  return adv;
}

export function attackJets(req: AttackRequest): AttackResult {
  validateAttack(req.spec);
  const { schema, standardizer: s } = req;
  const F = schema.features.length;
  const n = req.rows.length;
  const chunk = req.chunk ?? 4096;
  const factors = req.options?.epsFactors ?? new Float32Array(F).fill(1);
  if (factors.length !== F) throw new Error(`Expected ${F} per-feature eps factors, got ${factors.length}.`);
  const out = new Float32Array(n * F);
  const absDelta = new Float64Array(F);
  let free = 0;
  let moved = 0;
  const { matrix, groups } = groupMatrix(schema);
  const factorT = tf.tensor1d(factors);
  const groupT = tf.tensor2d(matrix, [F, groups.length]);
  const groupOf = Int32Array.from(schema.features, (f) => groups.indexOf(f.group));
  // Noise, shift and PGD's random start draw tfjs's random numbers: those stay on the tensor path.
  const fast = kernelPath() === 'simd' && fastAttackable(req.spec);
  try {
    for (let c0 = 0; c0 < n; c0 += chunk) {
      const m = Math.min(chunk, n - c0);
      const rows = Array.from({ length: m }, (_, k) => req.rows[c0 + k]);
      const xs = applyStandardizer(req.raw, schema, s, rows);
      const frozen = frozenMask(req.raw, schema, rows);
      let cap: Float32Array | undefined;
      if (req.options?.rawCap !== undefined) {
        cap = new Float32Array(m * F);
        for (let k = 0; k < m; k++) for (let j = 0; j < F; j++) cap[k * F + j] = (req.options.rawCap * Math.abs(req.raw[rows[k] * F + j])) / s.std[j];
      }
      const labels = gather(req.labels, rows);
      const adv = fast
        ? fastAttack(req.model, xs, labels, { spec: req.spec, loss: req.loss, frozen, factors, cap, groupOf, nGroups: groups.length })
        : tensorAttack(req, xs, labels, frozen, cap, factorT, groupT, c0);
      for (let k = 0; k < m; k++) {
        const src = rows[k] * F;
        for (let j = 0; j < F; j++) {
          const e = k * F + j;
          const same = frozen[e] === 1 || adv[e] === xs[e];
          out[(c0 + k) * F + j] = same ? req.raw[src + j] : adv[e] * s.std[j] + s.mean[j];
          if (!frozen[e]) {
            free++;
            if (!same) moved++;
          }
          absDelta[j] += Math.abs(adv[e] - xs[e]);
        }
      }
    }
  } finally {
    factorT.dispose();
    groupT.dispose();
  }
  return {
    raw: out,
    stats: {
      jets: n,
      mode: 'inference',
      frozen_fraction: n ? (n * F - free) / (n * F) : 0,
      moved_fraction: free ? moved / free : 0,
      mean_abs_delta_sigma: Array.from(absDelta, (v) => (n ? v / n : 0)),
    },
  };
}
