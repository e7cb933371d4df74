import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { meanLoss, perJetLoss } from '../../main/engine/model/losses.ts';
import { assertClose, backend } from '../helpers.ts';

const logits = [
  [2.0, -1.0, 0.5, 0.0],
  [-0.3, 0.2, 1.5, -2.0],
  [0.0, 0.0, 0.0, 0.0],
];
const labels = [0, 2, 3];

function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function oneHot(): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32') as tf.Tensor2D;
}

describe('losses against their formulas', () => {
  before(backend);

  it('cross-entropy is -ln p_true per jet', () => {
    const got = perJetLoss(tf.tensor2d(logits), oneHot(), { name: 'crossentropy', gamma: 0 }).arraySync() as number[];
    labels.forEach((y, i) => assertClose(got[i], -Math.log(softmax(logits[i])[y]), 1e-5, `jet ${i}`));
  });

  it('focal loss is -(1 - p_true)^gamma ln p_true and reduces to cross-entropy at gamma 0', () => {
    for (const gamma of [0, 0.5, 2, 5]) {
      const got = perJetLoss(tf.tensor2d(logits), oneHot(), { name: 'focal', gamma }).arraySync() as number[];
      labels.forEach((y, i) => {
        const p = softmax(logits[i])[y];
        assertClose(got[i], -Math.pow(1 - p, gamma) * Math.log(p), 1e-5, `gamma ${gamma} jet ${i}`);
      });
    }
  });

  it('the weighted mean is sum(w l) / sum(w)', () => {
    const w = [0.5, 2, 1];
    const got = meanLoss(tf.tensor2d(logits), oneHot(), tf.tensor1d(w), { name: 'crossentropy', gamma: 0 }).dataSync()[0];
    const l = labels.map((y, i) => -Math.log(softmax(logits[i])[y]));
    assertClose(got, (l[0] * w[0] + l[1] * w[1] + l[2] * w[2]) / 3.5, 1e-5, 'weighted mean');
  });

  it('focal loss with 0 < gamma < 1 has finite gradients even for a saturated jet', () => {
    const g = tf.grad((z: tf.Tensor) => tf.sum(perJetLoss(z as tf.Tensor2D, tf.tensor2d([[1, 0]]), { name: 'focal', gamma: 0.5 })))(tf.tensor2d([[40, -40]]));
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  });
});
