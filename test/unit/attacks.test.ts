import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { attackJets } from '../../main/engine/attacks/apply.ts';
import type { AttackSpec } from '../../main/engine/attacks/spec.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import type { Standardizer } from '../../main/engine/preprocess/standardize.ts';
import { Rng } from '../../main/engine/rng.ts';
import type { FeatureSchema } from '../../shared/schema/types.ts';
import { assertClose, backend } from '../helpers.ts';

// Toy schema: 4 continuous inputs (one with default -999) and one integer count.
const schema: FeatureSchema = {
  name: 'toy', description: '', classes: ['b', 'c', 'udsg'], discriminants: [],
  features: [
    { name: 'a', unit: '', integer: false, defaultValue: NaN, group: 'jet', description: '' },
    { name: 'b', unit: '', integer: false, defaultValue: -999, group: 'track0', description: '' },
    { name: 'c', unit: '', integer: false, defaultValue: NaN, group: 'track0', description: '' },
    { name: 'd', unit: '', integer: false, defaultValue: NaN, group: 'vertex', description: '' },
    { name: 'n', unit: '', integer: true, defaultValue: NaN, group: 'vertex', description: '' },
  ],
};
const F = 5;
const C = 3;
const identity: Standardizer = { mean: [0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1], defaultScaled: [NaN, -3, NaN, NaN, NaN] };
const ce = { name: 'crossentropy' as const, gamma: 2 };

function toyData(n: number, seed: number): { raw: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const raw = new Float32Array(n * F);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(C);
    for (let j = 0; j < 4; j++) raw[i * F + j] = rng.normal();
    if (i % 3 === 0) raw[i * F + 1] = -999; // a missing track
    raw[i * F + 4] = rng.int(5);
  }
  return { raw, labels };
}

/** The analytic input gradient of cross-entropy for a linear softmax model: g_i = W (p_i - y_i). */
function linearGradient(model: Mlp, x: number[], y: number): number[] {
  const [W, b] = model.getWeights();
  const z = Array.from({ length: C }, (_, c) => b[c] + x.reduce((s, xj, j) => s + xj * W[j * C + c], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const p = e.map((v) => v / e.reduce((a, q) => a + q, 0));
  return Array.from({ length: F }, (_, j) => p.reduce((s, pc, c) => s + W[j * C + c] * (pc - (c === y ? 1 : 0)), 0));
}

function run(model: Mlp, data: { raw: Float32Array; labels: Int32Array }, spec: AttackSpec, options = {}) {
  const rows = Array.from({ length: data.labels.length }, (_, i) => i);
  return attackJets({ model, standardizer: identity, schema, loss: ce, raw: data.raw, labels: data.labels, rows, spec, options });
}

function meanLoss(model: Mlp, x: Float32Array, labels: Int32Array): number {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(model.logits(tf.tensor2d(x, [labels.length, F])));
    return -tf.mean(tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(labels, 'int32'), C)), 1)).dataSync()[0];
  });
}

describe('attacks', () => {
  before(backend);
  const data = toyData(64, 1);
  const linear = new Mlp({ inputs: F, outputs: C, hidden: [], dropout: 0 }, 3);
  const deep = new Mlp({ inputs: F, outputs: C, hidden: [16, 16], dropout: 0 }, 4);

  it('FGSM is x + eps * sign(grad) on free entries (linear model, analytic gradient)', () => {
    const eps = 0.1;
    const r = run(linear, data, { kind: 'fgsm', eps });
    for (let i = 0; i < 64; i++) {
      const x = Array.from(data.raw.subarray(i * F, (i + 1) * F));
      const g = linearGradient(linear, x.map((v) => (v === -999 ? -3 : v)), data.labels[i]);
      for (let j = 0; j < 4; j++) {
        if (j === 1 && x[1] === -999) continue;
        assertClose(r.raw[i * F + j], x[j] + eps * Math.sign(g[j]), 1e-6, `jet ${i} feature ${j}`);
      }
    }
  });

  it('NGM moves along grad / ||grad||_2 over the free entries', () => {
    const eps = 0.3;
    const r = run(linear, data, { kind: 'ngm', eps });
    for (let i = 0; i < 64; i++) {
      const x = Array.from(data.raw.subarray(i * F, (i + 1) * F));
      const g = linearGradient(linear, x.map((v) => (v === -999 ? -3 : v)), data.labels[i]).map((v, j) => (j === 4 || (j === 1 && x[1] === -999) ? 0 : v));
      const norm = Math.hypot(...g);
      for (let j = 0; j < 4; j++) assertClose(r.raw[i * F + j], x[j] + (eps * g[j]) / norm, 1e-5, `jet ${i} feature ${j}`);
    }
  });

  it('every attack keeps integer inputs and default entries bit-identical, and moves most free entries', () => {
    const specs: AttackSpec[] = [
      { kind: 'fgsm', eps: 0.2 }, { kind: 'ngm', eps: 0.2 }, { kind: 'ngm', eps: 0.2, perGroup: true },
      { kind: 'pgd', eps: 0.2, steps: 5 }, { kind: 'pgd', eps: 0.2, steps: 5, norm: 'l2', randomStart: true },
      { kind: 'noise', eps: 0.2 }, { kind: 'shift', eps: 0.2 },
    ];
    for (const spec of specs) {
      const r = run(deep, data, spec);
      let free = 0;
      let moved = 0;
      for (let i = 0; i < 64; i++) {
        for (let j = 0; j < F; j++) {
          const frozen = j === 4 || data.raw[i * F + j] === -999;
          const same = Object.is(r.raw[i * F + j], data.raw[i * F + j]);
          if (frozen) assert.ok(same, `${spec.kind}: frozen entry jet ${i} feature ${j} changed`);
          else {
            free++;
            if (!same) moved++;
          }
        }
      }
      assert.ok(moved / free > 0.9, `${spec.kind} moved ${moved}/${free} free entries`);
      assertClose(r.stats.moved_fraction, moved / free, 1e-12, 'reported moved fraction');
    }
  });

  it('eps = 0 is the identity for every attack', () => {
    for (const kind of ['fgsm', 'ngm', 'pgd', 'noise', 'shift'] as const) {
      const r = run(deep, data, { kind, eps: 0, randomStart: true });
      assert.deepEqual(Buffer.from(r.raw.buffer), Buffer.from(data.raw.buffer), kind);
      assert.equal(r.stats.moved_fraction, 0);
    }
  });

  it('PGD stays inside its ball and is at least as strong as FGSM', () => {
    const eps = 0.25;
    const fgsm = run(deep, data, { kind: 'fgsm', eps });
    const pgd = run(deep, data, { kind: 'pgd', eps, steps: 20 });
    for (let e = 0; e < data.raw.length; e++) assert.ok(Math.abs(pgd.raw[e] - data.raw[e]) <= eps + 1e-6);
    const l2 = run(deep, data, { kind: 'pgd', eps, steps: 20, norm: 'l2' });
    for (let i = 0; i < 64; i++) {
      const d = Array.from({ length: F }, (_, j) => l2.raw[i * F + j] - data.raw[i * F + j]);
      assert.ok(Math.hypot(...d) <= eps + 1e-5, `L2 norm of jet ${i}`);
    }
    const clean = meanLoss(deep, data.raw, data.labels);
    const lf = meanLoss(deep, fgsm.raw, data.labels);
    const lp = meanLoss(deep, pgd.raw, data.labels);
    assert.ok(lf > clean, `FGSM raises the loss (${clean} -> ${lf})`);
    assert.ok(lp >= lf - 1e-6, `PGD ${lp} >= FGSM ${lf}`);
  });

  it('noise has standard deviation eps and the shift is exactly eps, per feature factor', () => {
    const big = toyData(4000, 2);
    const noise = run(deep, big, { kind: 'noise', eps: 0.5, seed: 3 });
    const d = [];
    for (let i = 0; i < 4000; i++) d.push(noise.raw[i * F] - big.raw[i * F]);
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    assertClose(sd, 0.5, 0.02, 'noise sigma');
    const factors = Float32Array.from([1, 1, 0.5, 0, 1]);
    const shift = run(deep, data, { kind: 'shift', eps: 0.2, sign: -1 }, { epsFactors: factors });
    for (let i = 0; i < 64; i++) {
      assertClose(shift.raw[i * F] - data.raw[i * F], -0.2, 1e-6, 'full factor');
      assertClose(shift.raw[i * F + 2] - data.raw[i * F + 2], -0.1, 1e-6, 'half factor');
      assert.equal(shift.raw[i * F + 3], data.raw[i * F + 3], 'factor 0 never moves');
    }
  });

  it('respects the raw cap |delta_raw| <= r |x_raw|', () => {
    const r = run(deep, data, { kind: 'fgsm', eps: 1 }, { rawCap: 0.1 });
    for (let e = 0; e < data.raw.length; e++) {
      assert.ok(Math.abs(r.raw[e] - data.raw[e]) <= 0.1 * Math.abs(data.raw[e]) * (1 + 1e-5) + 1e-7, `entry ${e}`);
    }
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    run(deep, data, { kind: 'pgd', eps: 0.1, steps: 3, randomStart: true });
    run(deep, data, { kind: 'ngm', eps: 0.1, perGroup: true }, { rawCap: 0.5 });
    assert.equal(tf.memory().numTensors, before);
  });
});
