import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, scheduledLearningRate } from '../../main/engine/model/adam.ts';
import { assertClose, backend } from '../helpers.ts';

describe('Adam', () => {
  before(backend);

  it('follows the bias-corrected update rule step by step', () => {
    const x = tf.variable(tf.tensor1d([1.0, -2.0]));
    const adam = new Adam([x]);
    const grads = [[0.5, -1.0], [0.1, 0.3], [-0.4, 0.2]];
    let m = [0, 0];
    let v = [0, 0];
    let ref = [1.0, -2.0];
    const lr = 0.01;
    grads.forEach((g, t) => {
      adam.apply([tf.tensor1d(g)], lr);
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
      const c1 = 1 - 0.9 ** (t + 1);
      const c2 = 1 - 0.999 ** (t + 1);
      ref = ref.map((r, i) => r - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8));
      const got = x.dataSync();
      ref.forEach((r, i) => assertClose(got[i], r, 1e-6, `step ${t + 1} param ${i}`));
    });
    const state = adam.getState();
    assert.equal(state.step, 3);
    assertClose(state.m[0][0], m[0], 1e-7, 'first moment');
    adam.dispose();
    x.dispose();
  });

  it('uses the schedule lr0 / (1 + epoch / 30)', () => {
    assert.equal(scheduledLearningRate(1e-3, 0), 1e-3);
    assertClose(scheduledLearningRate(1e-3, 30), 5e-4, 1e-15, 'epoch 30');
  });
});
