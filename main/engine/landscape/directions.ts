/**
 * Directions in standardised input space for loss surfaces, one vector per jet (N x F):
 *   feature:NAME  the unit vector of one input (the paper's choice);
 *   fgsm          sign(grad_x L), the FGSM direction;
 *   gradient      grad_x L;
 *   hessian       the top eigenvector of the input Hessian (power iteration on Hessian-vector products);
 *   random        a seeded Gaussian direction, orthogonalised against the first axis when it is the second;
 *   pcaK          the K-th principal component of the training-set covariance (correlated inputs move together).
 * Frozen entries (integer inputs, entries at their default) are zeroed unless moveFrozen is set, and every
 * vector is normalised: linf (max |d| = 1), l2 (||d|| = 1) or sigma (left in units of each feature's sigma).
 */
import * as tf from '@tensorflow/tfjs-core';
import { inputGradient } from '../attacks/gradient.ts';
import { fastHessianVector, fastInputGradient } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';
import { perJetLoss, type LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { oneHot } from '../model/one-hot.ts';
import { Rng } from '../rng.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { dot, normL2, normLinf, symmetricEigen } from './linalg.ts';

export type DirectionKind = 'feature' | 'fgsm' | 'gradient' | 'hessian' | 'random' | 'pca';
export type Normalisation = 'linf' | 'l2' | 'sigma';

export interface DirectionSpec {
  kind: DirectionKind;
  /** feature: the input's name; pca: the component index (0 = largest variance). */
  feature?: string;
  component?: number;
}

export function parseDirection(text: string, schema: FeatureSchema): DirectionSpec {
  const t = text.trim();
  if (['fgsm', 'gradient', 'hessian', 'random'].includes(t)) return { kind: t as DirectionKind };
  const pca = /^pca(\d+)$/.exec(t);
  if (pca) {
    const k = Number(pca[1]);
    if (k < 1 || k > schema.features.length) throw new Error(`Direction "${t}": principal components are numbered pca1..pca${schema.features.length}.`);
    return { kind: 'pca', component: k - 1 };
  }
  const name = t.startsWith('feature:') ? t.slice(8) : t;
  if (!schema.features.some((f) => f.name === name)) {
    throw new Error(`Direction "${t}" is neither fgsm, gradient, hessian, random, pcaK nor a ${schema.name} input.`);
  }
  return { kind: 'feature', feature: name };
}

export function directionName(d: DirectionSpec): string {
  if (d.kind === 'feature') return d.feature!;
  if (d.kind === 'pca') return `pca${d.component! + 1}`;
  return d.kind;
}

export interface DirectionContext {
  model: Mlp;
  loss: LossConfig;
  schema: FeatureSchema;
  /** Standardised jets (N x F), their labels and frozen mask (1 = frozen). */
  x: Float32Array;
  labels: Int32Array;
  frozen: Uint8Array;
  normalisation: Normalisation;
  seed: number;
  moveFrozen?: boolean;
  /** Principal axes (eigenvectors of the training covariance, descending variance), for pcaK. */
  principal?: number[][];
  /** Power-iteration steps for the Hessian direction. @default 30 */
  powerSteps?: number;
}

/** Rows s..e of a per-jet quantity computed chunk by chunk inside tf.tidy, gathered into one n x width array. */
function byChunks(n: number, width: number, chunk: number, compute: (s: number, e: number) => tf.Tensor): Float32Array {
  const out = new Float32Array(n * width);
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const t = tf.tidy(() => compute(s, e));
    out.set(t.dataSync() as Float32Array, s * width);
    t.dispose();
  }
  return out;
}

/** Per-jet input gradients (N x F) in chunks. */
export function gradients(model: Mlp, loss: LossConfig, x: Float32Array, labels: Int32Array, chunk = 4096): Float32Array {
  if (kernelPath() === 'simd') return fastInputGradient(model, x, labels, loss);
  const F = model.config.inputs;
  const C = model.config.outputs;
  const y = oneHot(labels, C);
  return byChunks(labels.length, F, chunk, (s, e) =>
    inputGradient(model, tf.tensor2d(x.subarray(s * F, e * F), [e - s, F]), tf.tensor2d(y.subarray(s * C, e * C), [e - s, C]), loss));
}

/**
 * Hessian-vector products H_i v_i for every jet, exactly for a piecewise-linear (ReLU) network:
 * H = J^T S J with J = d logits / d x (one input gradient per class) and S = d^2 L / d logits^2. S v'
 * is taken as a central difference of grad_z L along v' = J v: the loss is smooth in the logits, so
 * unlike a difference of input gradients it never straddles a ReLU kink.
 */
export function hessianVector(model: Mlp, loss: LossConfig, x: Float32Array, labels: Int32Array, v: Float32Array, chunk = 2048): Float32Array {
  if (kernelPath() === 'simd') return fastHessianVector(model, loss, x, labels, v);
  const F = model.config.inputs;
  const C = model.config.outputs;
  const y = oneHot(labels, C);
  return byChunks(labels.length, F, chunk, (s, e) => {
    const xs = tf.tensor2d(x.subarray(s * F, e * F), [e - s, F]);
    const vs = tf.tensor2d(v.subarray(s * F, e * F), [e - s, F]);
    const ys = tf.tensor2d(y.subarray(s * C, e * C), [e - s, C]);
    // Jacobian rows: J[:, c, :] = d z_c / d x.
    const J = tf.stack(Array.from({ length: C }, (_, c) => tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(model.logits(xx as tf.Tensor2D), [0, c], [-1, 1])))(xs)), 1) as tf.Tensor3D;
    const u = tf.squeeze(tf.matMul(J, tf.expandDims(vs, 2)), [2]) as tf.Tensor2D; // J v, (n, C)
    const z = model.logits(xs);
    const gz = (zz: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(perJetLoss(t as tf.Tensor2D, ys, loss)))(zz);
    const h = 1e-3;
    const su = tf.div(tf.sub(gz(tf.add(z, tf.mul(u, h))), gz(tf.sub(z, tf.mul(u, h)))), 2 * h); // S J v
    return tf.squeeze(tf.matMul(tf.expandDims(su, 1), J), [1]); // J^T S J v
  });
}

function mask(v: Float32Array, frozen: Uint8Array, moveFrozen?: boolean): void {
  if (moveFrozen) return;
  for (let e = 0; e < v.length; e++) if (frozen[e]) v[e] = 0;
}

function eachJet(v: Float32Array, F: number, f: (row: Float32Array) => void): void {
  for (let i = 0; i < v.length / F; i++) f(v.subarray(i * F, (i + 1) * F));
}

/** Top eigenvalue (largest |lambda|) and eigenvector per jet by power iteration in the free subspace. */
export function topHessianEigen(ctx: DirectionContext): { values: Float64Array; vectors: Float32Array } {
  const F = ctx.schema.features.length;
  const n = ctx.labels.length;
  const rng = new Rng(ctx.seed ^ 0x4e55);
  let v = Float32Array.from({ length: n * F }, () => rng.normal());
  mask(v, ctx.frozen, ctx.moveFrozen);
  eachJet(v, F, (r) => scaleTo(r, 1 / (normL2(r) || 1)));
  const values = new Float64Array(n);
  for (let it = 0; it < (ctx.powerSteps ?? 30); it++) {
    const hv = hessianVector(ctx.model, ctx.loss, ctx.x, ctx.labels, v);
    mask(hv, ctx.frozen, ctx.moveFrozen);
    for (let i = 0; i < n; i++) {
      const vi = v.subarray(i * F, (i + 1) * F);
      const hi = hv.subarray(i * F, (i + 1) * F);
      values[i] = dot(vi, hi);
      const nh = normL2(hi);
      if (nh > 0) for (let j = 0; j < F; j++) vi[j] = hi[j] / nh;
    }
  }
  // The Rayleigh quotient of the vector returned, not of the previous iterate.
  const hv = hessianVector(ctx.model, ctx.loss, ctx.x, ctx.labels, v);
  mask(hv, ctx.frozen, ctx.moveFrozen);
  for (let i = 0; i < n; i++) values[i] = dot(v.subarray(i * F, (i + 1) * F), hv.subarray(i * F, (i + 1) * F));
  return { values, vectors: v };
}

function scaleTo(row: Float32Array, s: number): void {
  for (let j = 0; j < row.length; j++) row[j] *= s;
}

function normalise(v: Float32Array, F: number, how: Normalisation): void {
  if (how === 'sigma') return;
  eachJet(v, F, (row) => {
    const n = how === 'linf' ? normLinf(row) : normL2(row);
    if (n > 0) scaleTo(row, 1 / n);
  });
}

function raw(spec: DirectionSpec, ctx: DirectionContext, first: Float32Array | null, axis: number): Float32Array {
  const F = ctx.schema.features.length;
  const n = ctx.labels.length;
  const v = new Float32Array(n * F);
  switch (spec.kind) {
    case 'feature': {
      const j = ctx.schema.features.findIndex((f) => f.name === spec.feature);
      for (let i = 0; i < n; i++) v[i * F + j] = 1;
      break;
    }
    case 'fgsm':
    case 'gradient': {
      const g = gradients(ctx.model, ctx.loss, ctx.x, ctx.labels);
      for (let e = 0; e < v.length; e++) v[e] = spec.kind === 'fgsm' ? Math.sign(g[e]) : g[e];
      break;
    }
    case 'hessian':
      v.set(topHessianEigen(ctx).vectors);
      break;
    case 'random': {
      // Each axis its own stream, so "random,random" gives two independent directions.
      const rng = new Rng(ctx.seed + 7919 * axis);
      for (let e = 0; e < v.length; e++) v[e] = rng.normal();
      break;
    }
    case 'pca': {
      if (!ctx.principal) throw new Error('Principal-component directions need the training-set covariance.');
      const pc = ctx.principal[spec.component!];
      for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) v[i * F + j] = pc[j];
      break;
    }
  }
  mask(v, ctx.frozen, ctx.moveFrozen);
  if (first && spec.kind === 'random') {
    // Gram–Schmidt per jet: the random axis is orthogonal to the first one.
    for (let i = 0; i < n; i++) {
      const a = first.subarray(i * F, (i + 1) * F);
      const b = v.subarray(i * F, (i + 1) * F);
      const aa = dot(a, a);
      if (aa > 0) {
        const c = dot(a, b) / aa;
        for (let j = 0; j < F; j++) b[j] -= c * a[j];
      }
    }
  }
  return v;
}

/** Both axes for every jet, normalised. */
export function buildDirections(specs: [DirectionSpec, DirectionSpec] | [DirectionSpec], ctx: DirectionContext): Float32Array[] {
  const F = ctx.schema.features.length;
  const out: Float32Array[] = [];
  for (const spec of specs) {
    const v = raw(spec, ctx, out[0] ?? null, out.length);
    normalise(v, F, ctx.normalisation);
    out.push(v);
  }
  return out;
}

/**
 * Principal axes of the standardised training inputs over their free features (integer inputs get
 * zero weight; default entries count as the mean), descending variance.
 */
export function principalAxes(xTrain: Float32Array, frozenTrain: Uint8Array, schema: FeatureSchema): { values: number[]; vectors: number[][] } {
  const F = schema.features.length;
  const n = xTrain.length / F;
  const mean = new Float64Array(F);
  const count = new Float64Array(F);
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) if (!frozenTrain[i * F + j]) {
    mean[j] += xTrain[i * F + j];
    count[j]++;
  }
  for (let j = 0; j < F; j++) mean[j] = count[j] ? mean[j] / count[j] : 0;
  const cov = new Float64Array(F * F);
  const row = new Float64Array(F);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < F; j++) row[j] = frozenTrain[i * F + j] || schema.features[j].integer ? 0 : xTrain[i * F + j] - mean[j];
    for (let a = 0; a < F; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < F; b++) cov[a * F + b] += ra * row[b];
    }
  }
  for (let a = 0; a < F; a++) for (let b = a; b < F; b++) {
    cov[a * F + b] /= Math.max(1, n - 1);
    cov[b * F + a] = cov[a * F + b];
  }
  return symmetricEigen(cov, F);
}
