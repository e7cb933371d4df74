// Row operations over several blocks (dense.ts rowOp, 8192 rows a block) on two threads, whose shared
// staging arrays are reused by every block and every call: the same bits as one thread, also when a
// smaller call follows a larger one and for each argument (inputs, labels, frozen mask, cap, outputs).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fastAttack, fastProbs } from '../../main/engine/fast/dense.ts';
import { FastPool } from '../../main/engine/fast/pool.ts';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../../main/engine/model/adam.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { Rng } from '../../main/engine/rng.ts';
import { backend } from '../helpers.ts';

const F = 6;
const C = 3;
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('simd row operations over several blocks', () => {
  before(backend);

  it('give the same bits on one and two threads, call after call', () => {
    const rng = new Rng(4);
    const n = 70001;
    const model = new Mlp({ inputs: F, outputs: C, hidden: [8], dropout: 0 }, 4);
    const x = Float32Array.from({ length: n * F }, () => rng.normal());
    const labels = Int32Array.from({ length: n }, () => rng.int(C));
    const frozen = Uint8Array.from({ length: n * F }, () => (rng.uniform() < 0.2 ? 1 : 0));
    const cap = Float32Array.from({ length: n * F }, () => 0.01 + 0.05 * rng.uniform());
    const ctx = { spec: { kind: 'fgsm' as const, eps: 0.1 }, loss: { name: 'crossentropy' as const, gamma: 0 }, frozen, factors: new Float32Array(F).fill(1), cap };
    const one = new FastPool(1);
    const two = new FastPool(2);
    try {
      for (const m of [n, 40000, 1000]) {
        const part = { ...ctx, frozen: frozen.subarray(0, m * F), cap: cap.subarray(0, m * F) };
        const a1 = fastAttack(model, x.subarray(0, m * F), labels.subarray(0, m), part, one);
        const a2 = fastAttack(model, x.subarray(0, m * F), labels.subarray(0, m), part, two);
        assert.ok(bits(a1).equals(bits(a2)), `attack of ${m} rows: one and two threads differ`);
        assert.ok(!bits(a1).equals(bits(x.subarray(0, m * F))), 'the attack moved the rows');
        assert.ok(bits(fastProbs(model, a1, one)).equals(bits(fastProbs(model, a1, two))), `probabilities of ${m} rows differ`);
      }
    } finally {
      one.close();
      two.close();
    }
  });

  it('use the weights the model has now, after setWeights and after a tfjs Adam step, not the ones read before', () => {
    const rng = new Rng(5);
    const model = new Mlp({ inputs: F, outputs: C, hidden: [8], dropout: 0 }, 5);
    const x = Float32Array.from({ length: 50 * F }, () => rng.normal());
    const pool = new FastPool(1);
    // A fresh model given the same weights reads them for the first time: the reference.
    const fresh = (weights: Float32Array[]) => {
      const m = new Mlp(model.config, 99);
      m.setWeights(weights);
      const p = fastProbs(m, x, pool);
      m.dispose();
      return p;
    };
    try {
      const before = fastProbs(model, x, pool);
      assert.ok(bits(fastProbs(model, x, pool)).equals(bits(before)), 'the same weights give the same bits');
      model.setWeights(model.getWeights().map((w) => w.map((v) => v * 1.5)));
      const scaled = fastProbs(model, x, pool);
      assert.ok(!bits(scaled).equals(bits(before)), 'setWeights changed the predictions');
      assert.ok(bits(scaled).equals(bits(fresh(model.getWeights()))), 'after setWeights');
      const adam = new Adam(model.variables);
      tf.tidy(() => adam.apply(model.variables.map((v) => tf.onesLike(v)), 0.1));
      const stepped = fastProbs(model, x, pool);
      assert.ok(!bits(stepped).equals(bits(scaled)), 'the Adam step changed the predictions');
      assert.ok(bits(stepped).equals(bits(fresh(model.getWeights()))), 'after an Adam step');
      adam.dispose();
    } finally {
      pool.close();
      model.dispose();
    }
  });
});
