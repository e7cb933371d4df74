import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultMask } from '../../main/engine/preprocess/defaults.ts';
import { makeSplit, rowsOf } from '../../main/engine/preprocess/split.ts';
import { applyStandardizer, fitStandardizer } from '../../main/engine/preprocess/standardize.ts';
import type { FeatureSchema } from '../../shared/schema/types.ts';
import { assertClose } from '../helpers.ts';

const schema: FeatureSchema = {
  name: 'toy',
  description: '',
  classes: ['b', 'udsg'],
  discriminants: [],
  features: [
    { name: 'ip', unit: '', integer: false, defaultValue: -999, group: 'track0', description: '' },
    { name: 'pt', unit: 'GeV', integer: false, defaultValue: NaN, group: 'jet', description: '' },
  ],
};

describe('standardisation', () => {
  const x = Float32Array.from([1, 10, -999, 20, 3, 30, -999, 40, 5, 50]);
  const rows = [0, 1, 2, 3, 4];

  it('excludes default entries from mean and standard deviation', () => {
    const s = fitStandardizer(x, schema, rows);
    assertClose(s.mean[0], 3, 1e-12, 'mean of 1,3,5');
    assertClose(s.std[0], 2, 1e-12, 'sample std of 1,3,5');
    assertClose(s.mean[1], 30, 1e-12, 'mean pt');
    assertClose(s.std[1], Math.sqrt(250), 1e-9, 'std pt');
  });

  it('fits on the given rows only', () => {
    const s = fitStandardizer(x, schema, [0, 4]);
    assertClose(s.mean[0], 3, 1e-12, 'mean of 1,5');
    assertClose(s.mean[1], 30, 1e-12, 'mean of 10,50');
  });

  it('maps defaults to a sentinel one sigma below the observed range and scales the rest', () => {
    const s = fitStandardizer(x, schema, rows);
    const z = applyStandardizer(x, schema, s);
    assertClose(s.defaultScaled[0], (1 - 3) / 2 - 1, 1e-12, 'sentinel');
    assertClose(z[2], s.defaultScaled[0], 1e-6, 'default entry');
    assertClose(z[0], -1, 1e-6, 'scaled 1');
    assertClose(z[8], 1, 1e-6, 'scaled 5');
    assert.ok(Number.isNaN(s.defaultScaled[1]), 'a feature without default has no sentinel');
  });

  it('puts the sentinel below the range even when the default lies inside it (the -1 of *AboveCharm)', () => {
    const inside: FeatureSchema = { ...schema, features: [{ ...schema.features[0], defaultValue: -1 }, schema.features[1]] };
    const v = Float32Array.from([-3, 1, -1, 2, 5, 3]);
    const s = fitStandardizer(v, inside, [0, 1, 2]);
    assertClose(s.mean[0], 1, 1e-12, 'mean of -3, 5');
    assert.ok(s.defaultScaled[0] < (-3 - s.mean[0]) / s.std[0], 'below every measured value');
  });

  it('marks exactly the entries at their default', () => {
    assert.deepEqual(Array.from(defaultMask(x, schema)), [0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('train/validation/test split', () => {
  it('is seeded, complete and 72/8/20', () => {
    const a = makeSplit(1000, { seed: 3 });
    assert.deepEqual(a, makeSplit(1000, { seed: 3 }));
    assert.notDeepEqual(a, makeSplit(1000, { seed: 4 }));
    assert.equal(rowsOf(a, 0).length, 720);
    assert.equal(rowsOf(a, 1).length, 80);
    assert.equal(rowsOf(a, 2).length, 200);
  });
});
