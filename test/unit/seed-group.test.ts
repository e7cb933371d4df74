import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandSeedGroups, formsSeedGroup, parseSeeds, seedGroupOf, seedRunName } from '../../main/engine/study/seed-group.ts';

describe('seed groups', () => {
  it('--seeds N is 1..N, a list is itself', () => {
    assert.deepEqual(parseSeeds('3'), [1, 2, 3]);
    assert.deepEqual(parseSeeds('1, 2,7'), [1, 2, 7]);
    assert.deepEqual(parseSeeds('0,5'), [0, 5]);
  });

  it('bad seed specs are refused in one sentence', () => {
    for (const bad of ['0', '-2', 'x', '1,,2', '1.5', '1,2.5', '101']) assert.throws(() => parseSeeds(bad), /--seeds must be/, bad);
    assert.throws(() => parseSeeds('1,2,1'), /twice/);
  });

  it('run names carry the seed, and group names expand to their runs by seed', () => {
    assert.equal(seedRunName('nominal', 7), 'nominal-s7');
    assert.deepEqual(seedGroupOf('nominal-s7'), { group: 'nominal', seed: 7 });
    assert.deepEqual(seedGroupOf('nominal'), { group: 'nominal', seed: null });
    const existing = ['adv-s1', 'adv-s10', 'adv-s2', 'nominal', 'other-s1'];
    assert.deepEqual(expandSeedGroups(['adv', 'nominal', 'adv-s2', 'missing'], existing), ['adv-s1', 'adv-s2', 'adv-s10', 'nominal', 'missing']);
    assert.equal(formsSeedGroup(['adv-s1', 'adv-s2']), true);
    assert.equal(formsSeedGroup(['adv-s1', 'nominal-s1', 'x']), false);
  });
});
