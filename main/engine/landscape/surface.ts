/**
 * The loss on a grid around jets: L(x + a d1 + b d2) for every a in offsetsA and b in offsetsB, averaged
 * over the jets (one jet = a per-jet surface). Points are evaluated in large batches inside tf.tidy, so
 * memory stays flat however many grid points and jets there are. A 1D profile is offsetsB = [0].
 */
import * as tf from '@tensorflow/tfjs-core';
import { fastSurface } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';
import { perJetLoss, type LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { oneHot } from '../model/one-hot.ts';
import { LANDSCAPE_GRID_MAX } from '../../../shared/landscape-limits.ts';

export interface SurfaceRequest {
  model: Mlp;
  loss: LossConfig;
  /** Standardised jets (N x F), labels, and one direction vector per jet per axis (N x F each). */
  x: Float32Array;
  labels: Int32Array;
  d1: Float32Array;
  d2: Float32Array;
  offsetsA: number[];
  offsetsB: number[];
  /** Upper bound on network evaluations per batch. @default 65536 */
  batchPoints?: number;
  onProgress?(fraction: number): void;
}

/** loss[i][j] = mean over jets of L at offsetsA[i], offsetsB[j]. */
export async function lossSurface(req: SurfaceRequest): Promise<number[][]> {
  if (kernelPath() === 'simd') return fastSurface(req);
  const F = req.model.config.inputs;
  const C = req.model.config.outputs;
  const n = req.labels.length;
  const na = req.offsetsA.length;
  const nb = req.offsetsB.length;
  const sums = new Float64Array(na * nb);
  const budget = req.batchPoints ?? 65536;
  const jetsPerChunk = Math.max(1, Math.min(n, Math.floor(budget / nb)));
  const B = tf.tidy(() => tf.reshape(tf.tensor1d(req.offsetsB), [1, nb, 1, 1]));
  let done = 0;
  try {
    for (let j0 = 0; j0 < n; j0 += jetsPerChunk) {
      const J = Math.min(jetsPerChunk, n - j0);
      const rowsA = Math.max(1, Math.floor(budget / (nb * J)));
      const x = tf.tensor4d(req.x.subarray(j0 * F, (j0 + J) * F), [1, 1, J, F]);
      const d1 = tf.tensor4d(req.d1.subarray(j0 * F, (j0 + J) * F), [1, 1, J, F]);
      const d2 = tf.tensor4d(req.d2.subarray(j0 * F, (j0 + J) * F), [1, 1, J, F]);
      const y = tf.tensor2d(oneHot(req.labels.subarray(j0, j0 + J), C), [J, C]);
      try {
        for (let a0 = 0; a0 < na; a0 += rowsA) {
          const ka = Math.min(rowsA, na - a0);
          const part = tf.tidy(() => {
            const A = tf.reshape(tf.tensor1d(req.offsetsA.slice(a0, a0 + ka)), [ka, 1, 1, 1]);
            const pts = tf.reshape(tf.add(tf.add(x, tf.mul(A, d1)), tf.mul(B, d2)), [ka * nb * J, F]) as tf.Tensor2D;
            const labels = tf.tile(y, [ka * nb, 1]) as tf.Tensor2D;
            const l = perJetLoss(req.model.logits(pts), labels, req.loss);
            return tf.sum(tf.reshape(l, [ka * nb, J]), 1);
          });
          const values = part.dataSync();
          part.dispose();
          for (let k = 0; k < ka * nb; k++) sums[a0 * nb + k] += values[k];
          done += ka * nb * J;
          req.onProgress?.(done / (na * nb * n));
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        [x, d1, d2, y].forEach((t) => t.dispose());
      }
    }
  } finally {
    B.dispose();
  }
  return Array.from({ length: na }, (_, i) => Array.from(sums.subarray(i * nb, (i + 1) * nb), (s) => s / n));
}

/** Evenly spaced offsets from -span to span (grid points), with 0 exactly in the middle for odd grids. */
export function offsets(span: number, grid: number): number[] {
  if (!Number.isInteger(grid) || grid < 1 || grid > LANDSCAPE_GRID_MAX) throw new Error(`The grid must have 1 to ${LANDSCAPE_GRID_MAX} points per axis, not ${grid}.`);
  if (grid === 1) return [0];
  const half = (grid - 1) / 2;
  return Array.from({ length: grid }, (_, i) => (Number.isInteger(half) && i === half ? 0 : span * ((i - half) / half)));
}
