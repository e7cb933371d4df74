import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../main/engine/train/config.ts';
import { freeInputGradient, isAdversarialBatch, penaltySurrogate } from '../../main/engine/train/loop.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { backend, tmpDir } from '../helpers.ts';

describe('adversarial and geometry-aware training', () => {
  before(backend);

  it('attacks every batch at fraction 1 and every second batch at fraction 0.5', () => {
    assert.deepEqual([0, 1, 2, 3].map((b) => isAdversarialBatch(b, 1)), [true, true, true, true]);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((b) => isAdversarialBatch(b, 0.5)), [false, true, false, true, false, true]);
    assert.equal([...Array(100).keys()].filter((b) => isAdversarialBatch(b, 0.25)).length, 25);
  });

  it('the gradient-penalty surrogate has the weight gradient of lambda ||grad_x L||^2 (checked by finite differences)', () => {
    const model = new Mlp({ inputs: 3, outputs: 2, hidden: [4], dropout: 0 }, 9);
    const x = tf.tensor2d([[0.3, -0.2, 0.5], [1.0, 0.4, -0.7], [-0.5, 0.9, 0.1]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [0, 1]]);
    const w = tf.tensor1d([1, 2, 0.5]);
    const frozen = tf.cast(tf.tensor2d([[0, 0, 1], [0, 0, 1], [0, 0, 1]], [3, 3], 'int32'), 'bool') as tf.Tensor2D;
    const config = { ...DEFAULT_TRAIN_CONFIG, loss: { name: 'crossentropy' as const, gamma: 0 }, gradPenalty: 0.7 };
    // The exact penalty from first-order input gradients (which tfjs computes correctly).
    const penalty = () => tf.tidy(() => {
      const g = freeInputGradient(model, x, y, frozen, config);
      return tf.mul(tf.div(tf.sum(tf.mul(tf.sum(tf.square(g), 1), w)), tf.sum(w)), 0.7).dataSync()[0];
    });
    const g = freeInputGradient(model, x, y, frozen, config);
    const { grads } = tf.variableGrads(() => penaltySurrogate(model, x, y, w, g, config), model.variables);
    let checked = 0;
    for (const v of model.variables) {
      const analytic = grads[v.name].dataSync();
      const base = v.dataSync().slice();
      for (let k = 0; k < base.length; k++) {
        const at = (d: number) => {
          const vals = base.slice();
          vals[k] += d;
          v.assign(tf.tensor(vals, v.shape));
          return penalty();
        };
        const numeric = (at(1e-3) - at(-1e-3)) / 2e-3;
        v.assign(tf.tensor(base, v.shape));
        assert.ok(Math.abs(numeric - analytic[k]) < 5e-3 + 0.03 * Math.abs(numeric), `${v.name}[${k}]: surrogate ${analytic[k]}, numeric ${numeric}`);
        checked++;
      }
    }
    assert.equal(checked, model.parameterCount);
  });

  it('trains with FGSM, PGD on every second batch after warm-up, and with a gradient penalty, without leaking tensors', async () => {
    const data = generateJets({ jets: 1200, seed: 5 });
    const ws = tmpDir();
    const small = { batchSize: 128, hidden: [32, 32], epochs: 2 };
    const before = tf.memory().numTensors;
    const fgsm = await startTraining({ workspace: ws, name: 'fgsm', data, config: { ...small, adversarial: { attack: 'fgsm', eps: 0.01, fraction: 1, warmupEpochs: 0 } } });
    const pgd = await startTraining({ workspace: ws, name: 'pgd', data, config: { ...small, adversarial: { attack: 'pgd', eps: 0.01, fraction: 0.5, warmupEpochs: 1, steps: 3 } } });
    const gp = await startTraining({ workspace: ws, name: 'gp', data, config: { ...small, gradPenalty: 0.1, adversarial: { attack: 'ngm', eps: 0.05, fraction: 1, warmupEpochs: 0 } } });
    for (const r of [fgsm, pgd, gp]) {
      assert.equal(r.status, 'complete');
      assert.ok(r.history.every((h) => Number.isFinite(h.loss)));
      assert.equal(r.history[0].tensors, r.history[1].tensors, `${r.name}: flat tensor count`);
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('refuses impossible adversarial settings', async () => {
    const data = generateJets({ jets: 100, seed: 5 });
    await assert.rejects(
      startTraining({ workspace: tmpDir(), name: 'x', data, config: { adversarial: { attack: 'noise' as 'fgsm', eps: 0.1, fraction: 1, warmupEpochs: 0 } } }),
      /adversarial training uses fgsm, ngm or pgd/,
    );
    await assert.rejects(
      startTraining({ workspace: tmpDir(), name: 'y', data, config: { adversarial: { attack: 'fgsm', eps: 0.1, fraction: 0, warmupEpochs: 0 } } }),
      /fraction must be in \(0, 1\]/,
    );
  });
});
