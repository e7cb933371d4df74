// Training on the simd kernels: agreement with the tfjs reference path, identical weights on one and two
// threads, and a resumed run that reproduces the uninterrupted one bit for bit (the weights and Adam
// moments go through the same run store as on the tfjs path).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { setKernelPath } from '../../main/engine/fast/kernels.ts';
import { FastPool } from '../../main/engine/fast/pool.ts';
import { FastTrainer } from '../../main/engine/fast/trainer.ts';
import { meanLoss } from '../../main/engine/model/losses.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { oneHot } from '../../main/engine/model/one-hot.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../main/engine/train/config.ts';
import { freeInputGradient, penaltySurrogate } from '../../main/engine/train/loop.ts';
import { Rng } from '../../main/engine/rng.ts';
import { readBundle } from '../../main/engine/store/bundle.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { resumeTraining, startTraining } from '../../main/engine/train/run.ts';
import { backend, tmpDir } from '../helpers.ts';

const data = generateJets({ jets: 1500, seed: 3 });

describe('training on the simd kernels', () => {
  before(backend);
  after(() => setKernelPath(null));

  it('agrees with the tfjs path (dropout 0: the two paths draw different dropout masks)', async () => {
    const config = { batchSize: 128, hidden: [32, 32], seed: 5, epochs: 3, dropout: 0 };
    setKernelPath('tfjs');
    const ref = await startTraining({ workspace: tmpDir(), name: 'ref', data, config });
    setKernelPath('simd');
    const ours = await startTraining({ workspace: tmpDir(), name: 'fast', data, config });
    // Float32 rounding differs (summation order, exp/log), and Adam divides by sqrt(v), so tiny gradient
    // differences move near-zero-gradient weights by up to lr per step: the losses agree to 1e-3
    // relative and the test AUCs to 2e-3, far below the changes training makes (loss falls by ~0.3).
    for (const [a, b] of ref.history.map((h, i) => [h, ours.history[i]])) {
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-3 * a.loss, `epoch ${a.epoch} loss ${b.loss} vs tfjs ${a.loss}`);
      assert.ok(Math.abs(a.val_loss - b.val_loss) <= 1e-3 * a.val_loss, `epoch ${a.epoch} val loss ${b.val_loss} vs tfjs ${a.val_loss}`);
    }
    assert.ok(ref.history[0].loss - ref.history[2].loss > 0.05, 'training lowers the loss');
    assert.notEqual(ours.history[2].loss, ref.history[2].loss, 'the two paths ran different code');
    ref.test!.discriminants.forEach((d, i) => {
      const o = ours.test!.discriminants[i];
      assert.ok(d.auc !== null && o.auc !== null && Math.abs(d.auc - o.auc) <= 2e-3, `${d.name} AUC ${o.auc} vs tfjs ${d.auc}`);
    });
  });

  it('gives the same weights bit for bit on one and two threads (dropout, focal loss, FGSM batches)', () => {
    const F = 12;
    const C = 3;
    const rng = new Rng(2);
    const batches = Array.from({ length: 6 }, (_, b) => ({
      x: Float32Array.from({ length: 203 * F }, () => rng.normal()),
      y: Int32Array.from({ length: 203 }, () => rng.int(C)),
      w: Float32Array.from({ length: 203 }, () => 0.5 + rng.uniform()),
      frozen: Uint8Array.from({ length: 203 * F }, () => (rng.uniform() < 0.2 ? 1 : 0)),
      adv: b % 2 === 1,
    }));
    const weights = [1, 2].map((threads) => {
      const model = new Mlp({ inputs: F, outputs: C, hidden: [20, 17], dropout: 0.3 }, 9);
      const pool = new FastPool(threads);
      const t = new FastTrainer(model, { name: 'focal', gamma: 2 }, 256, pool);
      const losses = batches.map((b, i) => t.train(b, 1e-2, 100 + i, b.adv ? { spec: { kind: 'fgsm', eps: 0.1 } } : null).loss);
      const flat = Float32Array.from(t['k'].f32(t['k'].params, t['k'].P));
      pool.close();
      model.dispose();
      return { flat, losses };
    });
    assert.deepEqual(weights[1].losses, weights[0].losses);
    assert.ok(Buffer.from(weights[1].flat.buffer).equals(Buffer.from(weights[0].flat.buffer)), 'weights differ between one and two threads');
  });

  it('keeps its wasm memory and the tensor count flat over many steps', () => {
    const F = 12;
    const rng = new Rng(3);
    const model = new Mlp({ inputs: F, outputs: 3, hidden: [32, 32], dropout: 0.1 }, 1);
    const pool = new FastPool(1);
    const t = new FastTrainer(model, { name: 'crossentropy', gamma: 2 }, 300, pool, 0.1);
    const batch = {
      x: Float32Array.from({ length: 300 * F }, () => rng.normal()),
      y: Int32Array.from({ length: 300 }, () => rng.int(3)),
      w: new Float32Array(300).fill(1),
      frozen: new Uint8Array(300 * F),
    };
    type Instance = { memory: { buffer: ArrayBuffer } };
    // The trainer's own instance (weights, moments) and the pool's (the steps' activations).
    const instances = () => [(t as unknown as { k: Instance }).k, ...(pool as unknown as { cache: Map<string, Instance> }).cache.values()];
    const memory = () => instances().reduce((sum, k) => sum + k.memory.buffer.byteLength, 0);
    t.train(batch, 1e-3, 1, { spec: { kind: 'pgd', eps: 0.1, steps: 3 } });
    const [bytes, tensors] = [memory(), tf.memory().numTensors];
    for (let i = 0; i < 200; i++) t.train(batch, 1e-3, i, i % 2 ? { spec: { kind: 'fgsm', eps: 0.1 } } : null);
    assert.equal(instances().length, 2);
    assert.equal(memory(), bytes);
    assert.equal(tf.memory().numTensors, tensors);
    model.dispose();
  });

  it('the gradient-penalty step has the tfjs path\'s gradient (finite difference along the free input gradient)', () => {
    const F = 8;
    const C = 3;
    const n = 150;
    const rng = new Rng(4);
    const model = new Mlp({ inputs: F, outputs: C, hidden: [16, 12], dropout: 0 }, 3);
    const x = Float32Array.from({ length: n * F }, () => rng.normal());
    const y = Int32Array.from({ length: n }, () => rng.int(C));
    const w = Float32Array.from({ length: n }, () => 0.5 + rng.uniform());
    const frozen = Uint8Array.from({ length: n * F }, (_, e) => (e % F === 2 || rng.uniform() < 0.1 ? 1 : 0));
    const loss = { name: 'focal' as const, gamma: 2 };
    const lambda = 0.3;
    const { grad, stats } = new FastTrainer(model, loss, n, new FastPool(2), lambda).gradientOf({ x, y, w, frozen });
    const config = { ...DEFAULT_TRAIN_CONFIG, loss, gradPenalty: lambda };
    const ref = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, F]);
      const yt = tf.tensor2d(oneHot(y, C), [n, C]);
      const wt = tf.tensor1d(w);
      const g = freeInputGradient(model, xt, yt, tf.cast(tf.tensor2d(frozen, [n, F], 'int32'), 'bool') as tf.Tensor2D, config);
      const { grads } = tf.variableGrads(() => tf.add(meanLoss(model.logits(xt), yt, wt, loss), penaltySurrogate(model, xt, yt, wt, g, config)) as tf.Scalar, model.variables);
      const value = tf.add(meanLoss(model.logits(xt), yt, wt, loss), tf.mul(tf.div(tf.sum(tf.mul(tf.sum(tf.square(g), 1), wt)), tf.sum(wt)), lambda));
      return { grad: model.variables.flatMap((v) => Array.from(grads[v.name].dataSync())), value: value.dataSync()[0] };
    });
    // The finite difference divides a float32 loss difference by h ~ 1e-2 / ||g||: agreement to 2e-3 of
    // the largest component (the penalty's share is compared with finite differences in adversarial-training.test.ts).
    const scale = Math.max(...ref.grad.map(Math.abs));
    const worst = Math.max(...ref.grad.map((r, i) => Math.abs(r - grad[i])));
    assert.ok(worst <= 2e-3 * scale, `max |diff| ${worst} vs scale ${scale}`);
    assert.ok(Math.abs(stats.loss - ref.value) <= 1e-5 * ref.value, `loss ${stats.loss} vs tfjs ${ref.value}`);
    const plain = new FastTrainer(model, loss, n, new FastPool(1)).gradientOf({ x, y, w }).grad;
    assert.ok(Math.max(...Array.from(plain, (p, i) => Math.abs(p - grad[i]))) > 50 * worst, 'the penalty changes the gradient');
    model.dispose();
  });

  it('resumes an FGSM-trained run with dropout bit for bit, without leaking tensors', async () => {
    setKernelPath('simd');
    const config = { batchSize: 100, hidden: [24, 24], seed: 7, dropout: 0.2, loss: { name: 'focal' as const, gamma: 2 }, adversarial: { attack: 'fgsm' as const, eps: 0.05, fraction: 1, warmupEpochs: 0 } };
    const tensors = tf.memory().numTensors;
    const full = tmpDir();
    await startTraining({ workspace: full, name: 'r', data, config: { ...config, epochs: 4 } });
    const split = tmpDir();
    await startTraining({ workspace: split, name: 'r', data, config: { ...config, epochs: 2 } });
    await resumeTraining({ workspace: split, name: 'r', data, epochs: 4 });
    const a = readBundle(new Workspace(full).checkpointFile('r', 4));
    const b = readBundle(new Workspace(split).checkpointFile('r', 4));
    for (const key of Object.keys(a.arrays)) {
      assert.ok(Buffer.from((a.arrays[key].data as Float32Array).buffer).equals(Buffer.from((b.arrays[key].data as Float32Array).buffer)), `${key} differs after resume`);
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left after training');
    assert.ok(fs.existsSync(new Workspace(full).file('r', 'model.bin')));
  });
});
