// tfjs's umbrella package (op gradients, and layers, converter, data and webgl with them: about 22 MB) is
// loaded on the first gradient asked of the engine, not at start: training, predictions and FGSM attacks on
// the simd kernels never load it, and a tfjs gradient still works once asked for. Its own process (node's
// test runner gives every file one), so nothing else has loaded the package before.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../main/engine/backend.ts';
import { fastAttack, fastProbs } from '../../main/engine/fast/dense.ts';
import { kernelPath } from '../../main/engine/fast/kernels.ts';
import { FastTrainer } from '../../main/engine/fast/trainer.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';

const require = createRequire(import.meta.url);
const umbrella = require.resolve('@tensorflow/tfjs');
const loaded = () => umbrella in require.cache;

describe('the tfjs gradients', () => {
  it('are not loaded by training, predictions and FGSM on the kernels, and work when first asked for', async () => {
    await initBackend();
    assert.equal(kernelPath(), 'simd', 'this test needs the simd kernels');
    const F = 5;
    const model = new Mlp({ inputs: F, outputs: 3, hidden: [8], dropout: 0.1 }, 1);
    const x = Float32Array.from({ length: 20 * F }, (_, i) => Math.sin(i));
    const y = Int32Array.from({ length: 20 }, (_, i) => i % 3);
    const trainer = new FastTrainer(model, { name: 'crossentropy', gamma: 0 }, 20);
    trainer.train({ x, y, w: new Float32Array(20).fill(1), frozen: new Uint8Array(20 * F) }, 1e-3, 7, { spec: { kind: 'fgsm', eps: 0.01 } });
    fastProbs(model, x);
    fastAttack(model, x, y, { spec: { kind: 'fgsm', eps: 0.1 }, loss: { name: 'crossentropy', gamma: 0 }, frozen: new Uint8Array(20 * F), factors: new Float32Array(F).fill(1) });
    assert.equal(loaded(), false, '@tensorflow/tfjs was loaded without a gradient being asked for');
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(tf.tensor1d([3, -2])).arraySync());
    assert.deepEqual(g, [6, -4]);
    assert.equal(loaded(), true, 'the first gradient loads @tensorflow/tfjs');
    model.dispose();
  });
});
