/**
 * Where a jet's FGSM step lands on a loss map. The step is the attack itself (attackBatch, or fastAttack on
 * the simd kernels: eps times the sign of the input gradient of the loss against the true label, inference
 * mode, frozen entries kept),
 * and its position on the map is its orthogonal projection onto the plane of the map's two directions,
 * written in the axes' own coordinates: the (a, b) whose a d1 + b d2 lies closest to the step. The part
 * of the step outside that plane is reported as the fraction of its length the plane holds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attackBatch } from '../attacks/perturb.ts';
import { fastAttack, fastPerJetLoss } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';
import { perJetLoss, type LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { oneHot } from '../model/one-hot.ts';
import { dot } from './linalg.ts';

export interface FgsmStep {
  /** The step size in units of each input's training sigma. */
  eps: number;
  /** Map coordinates of the step's projection onto the map's plane. */
  a: number;
  b: number;
  /** |projection| / |step| (1 = the step lies in the map's plane). */
  in_plane: number;
  /** The loss after the full step (not only its projection). */
  loss: number;
}

/** The FGSM step (standardised units) of one jet and the loss after it. */
export function fgsmDelta(model: Mlp, loss: LossConfig, x: Float32Array, label: number, frozen: Uint8Array, eps: number): { delta: Float32Array; loss: number } {
  const F = model.config.inputs;
  const C = model.config.outputs;
  if (kernelPath() === 'simd') {
    const labels = Int32Array.of(label);
    const xa = fastAttack(model, x, labels, { spec: { kind: 'fgsm', eps }, loss, frozen, factors: new Float32Array(F).fill(1) });
    return { delta: Float32Array.from(xa, (v, j) => v - x[j]), loss: fastPerJetLoss(model, xa, labels, loss)[0] };
  }
  const [adv, after] = tf.tidy(() => {
    const xs = tf.tensor2d(x, [1, F]);
    const y = tf.tensor2d(oneHot([label], C), [1, C]);
    const fr = tf.cast(tf.tensor2d(frozen, [1, F], 'int32'), 'bool') as tf.Tensor2D;
    const xa = attackBatch(model, xs, y, { spec: { kind: 'fgsm', eps }, loss, frozen: fr, factors: tf.ones([F]) as tf.Tensor1D, seed: 1 });
    return [xa, perJetLoss(model.logits(xa), y, loss)];
  });
  const xa = adv.dataSync();
  const l = after.dataSync()[0];
  tf.dispose([adv, after]);
  return { delta: Float32Array.from(xa, (v, j) => v - x[j]), loss: l };
}

/**
 * The (a, b) minimising |delta - a d1 - b d2| (the 2 x 2 normal equations). With one direction, or two
 * parallel ones, only d1 is used.
 */
export function projectOnPlane(delta: ArrayLike<number>, d1: ArrayLike<number>, d2: ArrayLike<number>): { a: number; b: number; in_plane: number } {
  const g11 = dot(d1, d1);
  const g12 = dot(d1, d2);
  const g22 = dot(d2, d2);
  const r1 = dot(delta, d1);
  const r2 = dot(delta, d2);
  const det = g11 * g22 - g12 * g12;
  let a = 0;
  let b = 0;
  if (g22 > 0 && det > 1e-9 * g11 * g22) {
    a = (r1 * g22 - r2 * g12) / det;
    b = (g11 * r2 - g12 * r1) / det;
  } else if (g11 > 0) {
    a = r1 / g11;
  }
  // |a d1 + b d2|^2 from the Gram matrix.
  const projected = Math.sqrt(Math.max(0, a * a * g11 + 2 * a * b * g12 + b * b * g22));
  const length = Math.sqrt(dot(delta, delta));
  return { a, b, in_plane: length > 0 ? projected / length : 0 };
}
