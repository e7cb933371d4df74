// Attacks, input gradients with dropout, Hessian-vector products and loss surfaces on the simd kernels: against the tfjs
// reference (attacks/perturb.ts, landscape/surface.ts) and between one and two threads (identical: every
// row is computed the same whichever thread takes it, and surfaces split grid rows, not jets).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { attackBatch } from '../../main/engine/attacks/perturb.ts';
import type { AttackSpec } from '../../main/engine/attacks/spec.ts';
import { DenseKernels } from '../../native/dense-ops.mjs';
import { fastAttack, fastHessianVector, fastInputGradient, fastSurface } from '../../main/engine/fast/dense.ts';
import { denseModule, setKernelPath } from '../../main/engine/fast/kernels.ts';
import { FastPool } from '../../main/engine/fast/pool.ts';
import { hessianVector } from '../../main/engine/landscape/directions.ts';
import { lossSurface, offsets } from '../../main/engine/landscape/surface.ts';
import type { LossConfig } from '../../main/engine/model/losses.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { oneHot } from '../../main/engine/model/one-hot.ts';
import { Rng } from '../../main/engine/rng.ts';
import { backend } from '../helpers.ts';

const F = 10;
const C = 3;
const n = 301;
const ce = { name: 'crossentropy' as const, gamma: 2 };
const focal = { name: 'focal' as const, gamma: 2 };
const pool1 = new FastPool(1);
const pool2 = new FastPool(2);

function setup(seed: number) {
  const rng = new Rng(seed);
  const model = new Mlp({ inputs: F, outputs: C, hidden: [24, 16], dropout: 0.25 }, seed);
  const x = Float32Array.from({ length: n * F }, () => rng.normal());
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const frozen = Uint8Array.from({ length: n * F }, (_, e) => (e % F === 3 || rng.uniform() < 0.15 ? 1 : 0));
  const factors = Float32Array.from({ length: F }, (_, j) => (j === 5 ? 0 : j === 6 ? 0.5 : 1));
  const cap = Float32Array.from({ length: n * F }, () => 0.02 + 0.05 * rng.uniform());
  const groupOf = Int32Array.from({ length: F }, (_, j) => (j < 4 ? 0 : j < 7 ? 1 : 2));
  return { model, x, labels, frozen, factors, cap, groupOf };
}

function tfjsAttack(s: ReturnType<typeof setup>, spec: AttackSpec, loss: LossConfig = ce, withCap = false, descend = false): Float32Array {
  const groups = new Float32Array(F * 3);
  s.groupOf.forEach((g, j) => (groups[j * 3 + g] = 1));
  return tf.tidy(() =>
    attackBatch(s.model, tf.tensor2d(s.x, [n, F]), tf.tensor2d(oneHot(s.labels, C), [n, C]), {
      spec, loss, seed: 1, descend,
      frozen: tf.cast(tf.tensor2d(s.frozen, [n, F], 'int32'), 'bool') as tf.Tensor2D,
      factors: tf.tensor1d(s.factors),
      groups: tf.tensor2d(groups, [F, 3]),
      cap: withCap ? tf.tensor2d(s.cap, [n, F]) : undefined,
    }).dataSync() as Float32Array);
}

describe('attacks and surfaces on the simd kernels', () => {
  before(backend);

  const cases: { name: string; spec: AttackSpec; cap?: boolean; descend?: boolean; loss?: typeof ce | typeof focal }[] = [
    { name: 'FGSM', spec: { kind: 'fgsm', eps: 0.1 } },
    { name: 'FGSM, focal loss, raw cap', spec: { kind: 'fgsm', eps: 0.1 }, cap: true, loss: focal },
    { name: 'NGM', spec: { kind: 'ngm', eps: 0.3 } },
    { name: 'NGM per group', spec: { kind: 'ngm', eps: 0.3, perGroup: true } },
    { name: 'PGD L-inf', spec: { kind: 'pgd', eps: 0.1, steps: 5 } },
    { name: 'PGD L2', spec: { kind: 'pgd', eps: 0.3, steps: 5, norm: 'l2' } },
    { name: 'PGD descending (loss range)', spec: { kind: 'pgd', eps: 0.1, steps: 5 }, descend: true },
  ];
  for (const c of cases) {
    it(`${c.name}: as tfjs, frozen entries bit-identical, the same on two threads`, () => {
      const s = setup(3);
      const loss = c.loss ?? ce;
      const ref = tfjsAttack(s, c.spec, loss, c.cap, c.descend);
      const ctx = { spec: { ...c.spec, descend: c.descend }, loss, frozen: s.frozen, factors: s.factors, cap: c.cap ? s.cap : undefined, groupOf: s.groupOf, nGroups: 3 };
      const ours = fastAttack(s.model, s.x, s.labels, ctx, pool1);
      const two = fastAttack(s.model, s.x, s.labels, ctx, pool2);
      assert.ok(Buffer.from(two.buffer, two.byteOffset, two.byteLength).equals(Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength)), 'one and two threads differ');
      let off = 0;
      let moved = 0;
      for (let e = 0; e < ours.length; e++) {
        if (s.frozen[e] || s.factors[e % F] === 0) assert.ok(Object.is(ours[e], s.x[e]), `entry ${e} must not move`);
        if (ours[e] !== s.x[e]) moved++;
        // A sign step can flip where the gradient is ~0 in float32; PGD carries such flips along.
        if (Math.abs(ours[e] - ref[e]) > 1e-5) off++;
      }
      assert.ok(moved > 0.5 * n * F * 0.7, `only ${moved} entries moved`);
      assert.ok(off <= (c.spec.kind === 'pgd' ? 0.01 : 0.002) * ours.length, `${off} of ${ours.length} entries differ from tfjs by more than 1e-5`);
      s.model.dispose();
    });
  }

  it('the FGSM kernel takes each float step of the JavaScript rule, bit for bit, also at zeros, -0 and NaN', () => {
    const rng = new Rng(9);
    const pick = <T,>(xs: T[]) => xs[rng.int(xs.length)];
    // Random rows with some special values, then every combination of the special values themselves
    // (x0, gradient, cap, frozen), each once in an even column (eps 0) and once in an odd one (eps > 0).
    const random = 97 * F;
    const special = { x0: [0, -0, NaN, 1e-30, 1], g: [0, -0, NaN, 1, -1], cap: [0, -0, NaN, 0.005, 1], frozen: [0, 1] };
    const combos = special.x0.flatMap((x) => special.g.flatMap((g) => special.cap.flatMap((c) => special.frozen.map((f) => [x, g, c, f]))));
    const rows = random / F + Math.ceil((2 * combos.length) / F);
    const n = rows * F;
    const at = (e: number, q: number, randomValue: () => number) => (e < random ? randomValue() : combos[Math.floor((e - random) / 2)]?.[q] ?? 0);
    const x0 = Float32Array.from({ length: n }, (_, e) => at(e, 0, () => (rng.uniform() < 0.1 ? pick([0, -0, NaN, 1e-30, -3e38]) : rng.normal() * 10 ** rng.int(6))));
    const g = Float32Array.from({ length: n }, (_, e) => at(e, 1, () => (rng.uniform() < 0.2 ? pick([0, -0, NaN, 1e-40]) : rng.normal())));
    const cap = Float32Array.from({ length: n }, (_, e) => at(e, 2, () => (rng.uniform() < 0.1 ? pick([0, -0, NaN]) : 0.03 * rng.uniform())));
    const frozen = Uint8Array.from({ length: n }, (_, e) => at(e, 3, () => (rng.uniform() < 0.2 ? 1 : 0)));
    const eps = Float32Array.from({ length: F }, (_, j) => (j % 2 === 0 ? 0 : 0.01 * (j + 1)));
    const k = new DenseKernels(denseModule(), [F, 4, C]);
    k.ensure(rows);
    for (const withCap of [false, true]) {
      const want = Float32Array.from(x0);
      for (let e = 0; e < n; e++) {
        if (frozen[e]) continue;
        const xa = g[e] !== 0 ? Math.fround(x0[e] + (g[e] > 0 ? eps[e % F] : -eps[e % F])) : x0[e];
        let d = Math.fround(xa - x0[e]);
        if (withCap) d = Math.min(Math.max(d, -cap[e]), cap[e]);
        want[e] = x0[e] + d;
      }
      k.f32(k.X, n).set(x0);
      k.f32(k.dX, n).set(g);
      k.u8(k.frozen, n).set(frozen);
      k.f32(k.eps, F).set(eps);
      k.f32(k.cap, n).set(cap);
      k.ex.fgsm(k.X, k.dX, k.frozen, k.eps, withCap ? k.cap : 0, rows, F);
      const got = k.f32(k.X, n);
      // Bit for bit, so -0 and +0 differ; a NaN is any NaN (its payload is the hardware's).
      const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)), (b, e) => (Number.isNaN(a[e]) ? 'NaN' : b));
      assert.deepEqual(bits(got), bits(want), withCap ? 'with a cap' : 'without a cap');
    }
  });

  it('input gradients with dropout are the same on one and two threads', () => {
    const s = setup(4);
    const a = fastInputGradient(s.model, s.x, s.labels, focal, 77, pool1);
    const b = fastInputGradient(s.model, s.x, s.labels, focal, 77, pool2);
    const c = fastInputGradient(s.model, s.x, s.labels, focal, undefined, pool1);
    assert.deepEqual(Array.from(b), Array.from(a));
    assert.notDeepEqual(Array.from(c), Array.from(a), 'dropout changes the gradient');
    s.model.dispose();
  });

  it('Hessian-vector products equal the tfjs ones (same method) and are the same on two threads', () => {
    const s = setup(6);
    const rng = new Rng(9);
    const v = Float32Array.from({ length: n * F }, () => rng.normal());
    for (const loss of [ce, focal]) {
      setKernelPath('tfjs');
      const ref = hessianVector(s.model, loss, s.x, s.labels, v);
      setKernelPath(null);
      const one = fastHessianVector(s.model, loss, s.x, s.labels, v, pool1);
      const two = fastHessianVector(s.model, loss, s.x, s.labels, v, pool2);
      assert.deepEqual(Array.from(two), Array.from(one));
      // S v' is a central difference with h = 1e-3 of float32 logit gradients on both sides: rounding
      // noise of ~1e-7 / 2e-3 relative to the gradient, so agreement to 2e-3 of the largest entry.
      const scale = Math.max(...Array.from(ref, Math.abs));
      const worst = Math.max(...Array.from(ref, (r, e) => Math.abs(r - one[e])));
      assert.ok(scale > 0 && worst <= 2e-3 * scale, `${loss.name}: max |diff| ${worst} vs scale ${scale}`);
    }
    s.model.dispose();
  });

  it('a loss surface equals the tfjs surface to 1e-5 and is the same on one and two threads', async () => {
    const s = setup(5);
    const rng = new Rng(8);
    const d1 = Float32Array.from({ length: n * F }, () => rng.normal());
    const d2 = Float32Array.from({ length: n * F }, () => rng.normal());
    const req = { model: s.model, loss: focal, x: s.x, labels: s.labels, d1, d2, offsetsA: offsets(0.5, 7), offsetsB: offsets(0.3, 5) };
    setKernelPath('tfjs');
    const ref = await lossSurface(req);
    setKernelPath(null);
    const one = await fastSurface(req, pool1);
    const two = await fastSurface(req, pool2);
    assert.deepEqual(two, one);
    ref.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(one[i][j] - v) <= 1e-5 * v, `(${i}, ${j}): ${one[i][j]} vs tfjs ${v}`)));
    s.model.dispose();
  });
});
