import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceClasses } from '../../main/engine/preprocess/reweight.ts';

describe('flavour balancing of the loss weights', () => {
  it('gives every class present in the rows the same total weight, keeping the overall total', () => {
    // 6 b jets, 3 c jets, 1 light jet, with uneven weights; the last jet (c) is not a training row.
    const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 1]);
    const weights = Float32Array.from([1, 1, 1, 1, 1, 1, 2, 2, 2, 0.5, 7]);
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const w = balanceClasses(weights, labels, 3, rows);
    const total = (c: number) => rows.filter((i) => labels[i] === c).reduce((s, i) => s + w[i], 0);
    const all = 6 + 6 + 0.5;
    for (const c of [0, 1, 2]) assert.ok(Math.abs(total(c) - all / 3) < 1e-5, `class ${c}: ${total(c)}`);
    assert.ok(Math.abs(w[6] / w[7] - 1) < 1e-6 && Math.abs(w[0] / w[6] - 1 / 2) < 1e-6, 'ratios inside a class kept');
    assert.ok(Math.abs(w[10] - (7 * all) / 3 / 6) < 1e-5, 'a jet outside the training rows gets its class\'s factor');
  });

  it('leaves an absent class alone and counts only the classes present', () => {
    const labels = Int32Array.from([0, 0, 2]);
    const w = balanceClasses(Float32Array.from([1, 1, 1]), labels, 3, [0, 1, 2]);
    assert.deepEqual(Array.from(w), [0.75, 0.75, 1.5]);
  });
});
