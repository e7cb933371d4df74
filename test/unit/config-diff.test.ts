import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configDiff, flattenConfig, formatConfigValue } from '../../shared/config-diff.ts';

const nominal = {
  name: 'nominal',
  created: '2024-01-01T00:00:00Z',
  data: { spec: 'synthetic:20000', hash: 'abc', jets: 20000 },
  train: { epochs: 10, learningRate: 1e-3, loss: { name: 'crossentropy', gamma: 2 }, adversarial: null, gradPenalty: 0, hidden: [100, 100, 100] },
  model: { inputs: 67, dropout: 0.1 },
};

describe('config diff', () => {
  it('flattens nested objects to dotted keys and keeps arrays, nulls and empty objects as leaves', () => {
    const flat = flattenConfig({ a: { b: { c: 1 }, d: [1, 2] }, e: null, f: {} });
    assert.deepEqual([...flat.entries()], [['a.b.c', 1], ['a.d', [1, 2]], ['e', null], ['f', {}]]);
  });

  it('returns nothing for identical configs, even when the objects are distinct copies', () => {
    assert.deepEqual(configDiff(nominal, structuredClone(nominal)), []);
  });

  it('lists only the keys whose values differ, in config order, with both values', () => {
    const adv = { ...structuredClone(nominal), name: 'adv', train: { ...nominal.train, epochs: 20, hidden: [100, 100], adversarial: { attack: 'fgsm', eps: 0.01 } } };
    const diff = configDiff(nominal, adv, { ignore: ['name', 'created'] });
    assert.deepEqual(diff, [
      { key: 'train.epochs', a: 10, b: 20 },
      { key: 'train.adversarial.attack', a: null, b: 'fgsm' },
      { key: 'train.adversarial.eps', a: null, b: 0.01 },
      { key: 'train.hidden', a: [100, 100, 100], b: [100, 100] },
    ]);
    // The other way round, the same rows with the sides swapped.
    assert.deepEqual(configDiff(adv, nominal, { ignore: ['name', 'created'] }).map((d) => [d.key, d.a, d.b]), diff.map((d) => [d.key, d.b, d.a]));
  });

  it('ignores a key together with everything below it', () => {
    const other = structuredClone(nominal);
    other.data = { spec: 'jets.h5', hash: 'def', jets: 5000 };
    other.model.dropout = 0.2;
    assert.deepEqual(configDiff(nominal, other, { ignore: ['data'] }).map((d) => d.key), ['model.dropout']);
    assert.equal(configDiff(nominal, other).length, 4);
  });

  it('shows a key missing from one config as absent, unless an enclosing setting has a plain value there', () => {
    assert.deepEqual(configDiff({ a: { x: 1 } }, { a: { x: 1, y: 2 } }), [{ key: 'a.y', a: undefined, b: 2 }]);
    assert.deepEqual(configDiff({ a: false }, { a: { y: 2 } }), [{ key: 'a.y', a: false, b: 2 }]);
  });

  it('treats a key missing on one side as a difference, but 0, false, null and "" as values', () => {
    assert.deepEqual(configDiff({ x: 0, y: false }, { x: 0, y: false, z: '' }), [{ key: 'z', a: undefined, b: '' }]);
    assert.deepEqual(configDiff({ x: 0 }, { x: null }), [{ key: 'x', a: 0, b: null }]);
    assert.deepEqual(configDiff({ x: 0 }, { x: false }), [{ key: 'x', a: 0, b: false }]);
  });

  it('formats values on one short line', () => {
    assert.equal(formatConfigValue([100, 100]), '[100, 100]');
    assert.equal(formatConfigValue(['jet_pt', 'jet_eta']), '[jet_pt, jet_eta]');
    assert.equal(formatConfigValue(undefined), '—');
    assert.equal(formatConfigValue(null), 'null');
    assert.equal(formatConfigValue('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });
});
