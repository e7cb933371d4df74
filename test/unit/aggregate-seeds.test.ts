import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateCurves, aggregateScan, meanSd } from '../../main/engine/robustness/aggregate-seeds.ts';

describe('seed aggregation', () => {
  it('mean and sample sd (n - 1) match a hand calculation', () => {
    // 0.90, 0.92, 0.94: mean 0.92, deviations ±0.02, sum of squares 0.0008, / 2 -> sd 0.02.
    const m = meanSd([0.9, 0.92, 0.94]);
    assert.ok(Math.abs(m.mean - 0.92) < 1e-12);
    assert.ok(Math.abs(m.sd! - 0.02) < 1e-12);
    assert.equal(m.n, 3);
  });

  it('one value has no spread (sd null), none has no mean; non-finite values are left out', () => {
    assert.deepEqual(meanSd([0.5]), { mean: 0.5, sd: null, n: 1 });
    assert.equal(meanSd([]).n, 0);
    assert.equal(meanSd([NaN, 1, 3]).mean, 2);
  });

  it('curves of several seeds become one curve per group, x sorted, null points left out', () => {
    const out = aggregateCurves([
      { group: 'a', seed: 1, points: [[0.1, 1], [0, 3]] },
      { group: 'b', seed: 1, points: [[0, 10]] },
      { group: 'a', seed: 2, points: [[0, 5], [0.1, null]] },
    ]);
    assert.deepEqual(out.map((c) => c.group), ['a', 'b']);
    assert.deepEqual(out[0].seeds, [1, 2]);
    assert.deepEqual(out[0].points.map((p) => p.x), [0, 0.1]);
    assert.equal(out[0].points[0].mean, 4);
    assert.ok(Math.abs(out[0].points[0].sd! - Math.SQRT2) < 1e-12);
    assert.deepEqual(out[0].points[1], { x: 0.1, values: [1], mean: 1, sd: null, n: 1 });
    assert.equal(out[1].points[0].sd, null);
  });

  it('a seed repeated within a group is refused', () => {
    assert.throws(() => aggregateCurves([{ group: 'a', seed: 1, points: [] }, { group: 'a', seed: 1, points: [] }]), /Seed 1 appears twice/);
  });

  it('scan rows aggregate per group, attack, eps and discriminant', () => {
    const rows = [
      { run: 'nom-s1', attack: 'fgsm', eps: 0.1, auc: { BvL: 0.8, BvC: 0.6 } },
      { run: 'nom-s2', attack: 'fgsm', eps: 0.1, auc: { BvL: 0.9, BvC: null } },
      { run: 'nom-s1', attack: 'fgsm', eps: 0, auc: { BvL: 0.95, BvC: 0.7 } },
      { run: 'solo', attack: 'fgsm', eps: 0.1, auc: { BvL: 0.5, BvC: 0.5 } },
    ];
    const groupOf = (run: string) => {
      const m = /^(.*)-s(\d+)$/.exec(run);
      return m ? { group: m[1], seed: Number(m[2]) } : { group: run, seed: null };
    };
    const out = aggregateScan(rows, groupOf);
    assert.equal(out.length, 3);
    const nom = out.find((r) => r.group === 'nom' && r.eps === 0.1)!;
    assert.deepEqual(nom.seeds, [1, 2]);
    assert.ok(Math.abs(nom.auc.BvL.mean - 0.85) < 1e-12);
    assert.ok(Math.abs(nom.auc.BvL.sd! - Math.sqrt(0.005)) < 1e-12);
    assert.deepEqual(nom.auc.BvC, { mean: 0.6, sd: null, n: 1 });
    assert.deepEqual(out.find((r) => r.group === 'solo')!.seeds, []);
  });
});
