// The simd kernels (native/dense-simd.c through main/engine/fast/) against the tfjs reference, to float32
// tolerance, on random shapes: the three matrix products (plain and both transposed), forward pass and
// probabilities, per-jet cross-entropy and focal losses, input gradients, and the weighted-loss
// parameter gradient including ReLU and dropout masks (the tfjs side is given the kernels' own masks).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DenseKernels } from '../../native/dense-ops.mjs';
import { inputGradient } from '../../main/engine/attacks/gradient.ts';
import { fastInputGradient, fastPerJetLoss, fastProbs, flatParams, widthsOf } from '../../main/engine/fast/dense.ts';
import { denseModule } from '../../main/engine/fast/kernels.ts';
import { FastPool } from '../../main/engine/fast/pool.ts';
import { FastTrainer } from '../../main/engine/fast/trainer.ts';
import { meanLoss, perJetLoss, type LossConfig } from '../../main/engine/model/losses.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { oneHot } from '../../main/engine/model/one-hot.ts';
import { Rng } from '../../main/engine/rng.ts';
import { backend } from '../helpers.ts';

const pool1 = new FastPool(1);

function randn(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** max |a - b| <= atol + rtol * max |b| */
function assertAllClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, what: string, atol = 0): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(Number.isFinite(worst) && worst <= atol + rtol * scale, `${what}: max |diff| ${worst} vs scale ${scale}`);
}

const shapes = [
  { F: 67, hidden: [100, 100, 100, 100, 100], C: 4, n: 1030 },
  { F: 5, hidden: [7, 13], C: 3, n: 37 },
  { F: 9, hidden: [8], C: 2, n: 1 },
  { F: 33, hidden: [50, 21, 4], C: 6, n: 130 },
];
const losses: LossConfig[] = [{ name: 'crossentropy', gamma: 2 }, { name: 'focal', gamma: 2 }, { name: 'focal', gamma: 0.5 }];

function toy(shape: (typeof shapes)[number], seed: number): { model: Mlp; x: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const model = new Mlp({ inputs: shape.F, outputs: shape.C, hidden: shape.hidden, dropout: 0.2 }, seed);
  // Non-zero biases, so that their gradients and additions are exercised too.
  model.setWeights(model.getWeights().map((w, i) => (i % 2 ? randn(rng, w.length, 0.1) : w)));
  const labels = Int32Array.from({ length: shape.n }, () => rng.int(shape.C));
  return { model, x: randn(rng, shape.n * shape.F), labels };
}

describe('simd kernels against tfjs', () => {
  before(backend);

  it('matrix products C = A B (+ bias), A^T B and A B^T on odd shapes', () => {
    const rng = new Rng(1);
    const memory = new WebAssembly.Memory({ initial: 160 });
    const ex = new WebAssembly.Instance(denseModule(), { env: { memory } }).exports as Record<string, (...a: number[]) => void>;
    const base = 1 << 16;
    for (const [M, N, K] of [[1, 1, 1], [5, 3, 7], [1024, 100, 67], [13, 9, 100], [4, 8, 4], [31, 17, 12]]) {
      const A = randn(rng, M * K);
      const B = randn(rng, K * N);
      const bias = randn(rng, N);
      const G = randn(rng, M * N);
      const W = randn(rng, K * N);
      const at = (i: number) => base + i * (1 << 20);
      const put = (slot: number, a: Float32Array) => new Float32Array(memory.buffer, at(slot), a.length).set(a);
      const get = (slot: number, n: number) => Float32Array.from(new Float32Array(memory.buffer, at(slot), n));
      [A, B, bias, G, W].forEach((a, i) => put(i, a));
      ex.matmul(M, N, K, at(0), at(1), at(5), at(2));
      const ref = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(A, [M, K]), tf.tensor2d(B, [K, N])), tf.tensor1d(bias)).dataSync());
      assertAllClose(get(5, M * N), ref, 1e-5, `A B + bias ${M}x${N}x${K}`);
      ex.matmul_tn(M, N, K, at(0), at(3), at(6));
      const refTn = tf.tidy(() => tf.matMul(tf.tensor2d(A, [M, K]), tf.tensor2d(G, [M, N]), true, false).dataSync());
      assertAllClose(get(6, K * N), refTn, 1e-5, `A^T G ${M}x${N}x${K}`);
      ex.matmul_nt(M, N, K, at(3), at(4), at(7), at(8));
      const refNt = tf.tidy(() => tf.matMul(tf.tensor2d(G, [M, N]), tf.tensor2d(W, [K, N]), false, true).dataSync());
      assertAllClose(get(7, M * K), refNt, 1e-5, `G W^T ${M}x${N}x${K}`);
    }
  });

  for (const [s, shape] of shapes.entries()) {
    it(`probabilities, per-jet losses and input gradients: ${shape.F} -> ${shape.hidden.join('x')} -> ${shape.C}, ${shape.n} rows`, () => {
      const { model, x, labels } = toy(shape, 10 + s);
      const probs = fastProbs(model, x, pool1);
      const ref = tf.tidy(() => model.predict(tf.tensor2d(x, [shape.n, shape.F])).dataSync());
      assertAllClose(probs, ref, 1e-5, 'probabilities', 1e-6);
      for (const loss of losses) {
        const y = tf.tensor2d(oneHot(labels, shape.C), [shape.n, shape.C]);
        const refLoss = tf.tidy(() => perJetLoss(model.logits(tf.tensor2d(x, [shape.n, shape.F])), y as tf.Tensor2D, loss).dataSync());
        assertAllClose(fastPerJetLoss(model, x, labels, loss, pool1), refLoss, 1e-5, `${loss.name} ${loss.gamma} loss`, 1e-6);
        const refGrad = tf.tidy(() => inputGradient(model, tf.tensor2d(x, [shape.n, shape.F]), y as tf.Tensor2D, loss).dataSync());
        assertAllClose(fastInputGradient(model, x, labels, loss, undefined, pool1), refGrad, 1e-4, `${loss.name} ${loss.gamma} input gradient`, 1e-7);
        y.dispose();
      }
      model.dispose();
    });
  }

  it('the parameter gradient of the weighted loss, with ReLU and dropout masks, equals tfjs given the same masks', () => {
    for (const [s, shape] of shapes.entries()) {
      const { model, x, labels } = toy(shape, 20 + s);
      const rng = new Rng(5);
      const w = Float32Array.from({ length: shape.n }, () => 0.2 + rng.uniform());
      const widths = widthsOf(model);
      // The kernels' dropout masks for this seed: a forward pass of the whole batch.
      const k = new DenseKernels(denseModule(), widths) as DenseKernels & Record<string, never>;
      k.setParams(flatParams(model));
      const kk = k as unknown as { loadRows(x: Float32Array, y: null, lo: number, n: number): void; forwardX(n: number, d: object): number; masks: number; actsOf(l: number, n: number): number };
      kk.loadRows(x, null, 0, shape.n);
      const seed = 1234 + s;
      const keep = 1 - model.config.dropout;
      kk.forwardX(shape.n, { seed, keep, scale: Math.fround(1 / keep), row0: 0 });
      const masks = shape.hidden.map((h, l) => Float32Array.from(k.f32(kk.masks + (kk.actsOf(l, shape.n) - kk.actsOf(0, shape.n)), shape.n * h)));
      const dropped = masks.flatMap((m) => Array.from(m)).filter((v) => v === 0).length / masks.reduce((a, m) => a + m.length, 0);
      if (shape.n > 100) assert.ok(Math.abs(dropped - 0.2) < 0.03, `dropped fraction ${dropped}`);
      for (const loss of losses) {
        const trainer = new FastTrainer(model, loss, shape.n, pool1);
        const { grad, stats } = trainer.gradientOf({ x, y: labels, w }, seed);
        const ref = tf.tidy(() => {
          const xt = tf.tensor2d(x, [shape.n, shape.F]);
          const y = tf.tensor2d(oneHot(labels, shape.C), [shape.n, shape.C]);
          const { value, grads } = tf.variableGrads(() => {
            let h: tf.Tensor2D = xt;
            for (let l = 0; l < model.weights.length; l++) {
              h = tf.add(tf.matMul(h, model.weights[l]), model.biases[l]);
              if (l + 1 < model.weights.length) h = tf.mul(tf.relu(h), tf.tensor2d(masks[l], h.shape as [number, number]));
            }
            return meanLoss(h, y, tf.tensor1d(w), loss);
          }, model.variables);
          return { value: value.dataSync()[0], grad: model.variables.flatMap((v) => Array.from(grads[v.name].dataSync())) };
        });
        assertAllClose(grad, ref.grad, 1e-4, `${loss.name} ${loss.gamma} parameter gradient, ${shape.hidden.join('x')}`, 1e-7);
        assert.ok(Math.abs(stats.loss - ref.value) <= 1e-5 * Math.max(1, ref.value), `loss ${stats.loss} vs ${ref.value}`);
      }
      model.dispose();
    }
  });
});
