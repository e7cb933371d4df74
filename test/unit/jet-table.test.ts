import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { jetTableOrder, jetTablePage } from '../../main/engine/data/jet-table.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { Rng } from '../../main/engine/rng.ts';

describe('the Data page\'s jet table', () => {
  const d = generateJets({ jets: 3000, seed: 9 });
  const F = d.schema.features.length;
  const col = (name: string) => d.schema.features.findIndex((f) => f.name === name);
  const value = (i: number, name: string) => d.features[i * F + col(name)];

  it('sorts by an input as an independent sort of (value, row) does, both ways', async () => {
    const expected = [...Array(d.n).keys()].sort((a, b) => value(a, 'jet_pt') - value(b, 'jet_pt') || a - b);
    assert.deepEqual([...(await jetTableOrder(d, { sort: { column: 'jet_pt', order: 'asc' } }))], expected);
    const desc = [...(await jetTableOrder(d, { sort: { column: 'jet_pt', order: 'desc' } }))];
    assert.deepEqual(desc.map((i) => value(i, 'jet_pt')), expected.map((i) => value(i, 'jet_pt')).reverse());
    // Ties (e.g. the integer track count) stay in data order.
    const byTracks = [...(await jetTableOrder(d, { sort: { column: 'jetNSelectedTracks', order: 'desc' } }))];
    for (let k = 1; k < byTracks.length; k++) {
      const [a, b] = [byTracks[k - 1], byTracks[k]];
      assert.ok(value(a, 'jetNSelectedTracks') > value(b, 'jetNSelectedTracks') || (value(a, 'jetNSelectedTracks') === value(b, 'jetNSelectedTracks') && a < b));
    }
  });

  it('filters by flavour and by a value range, and pages through what matched', async () => {
    const order = await jetTableOrder(d, { classes: ['b', 'bb'], range: { column: 'jet_pt', min: 50, max: 200 }, sort: { column: 'flavour', order: 'asc' } });
    const expected = [...Array(d.n).keys()].filter((i) => d.labels[i] <= 1 && value(i, 'jet_pt') >= 50 && value(i, 'jet_pt') <= 200);
    assert.ok(expected.length > 50, `enough jets to test (${expected.length})`);
    assert.deepEqual([...order].sort((a, b) => a - b), expected);
    const page = await jetTablePage(d, order, 10, 20);
    assert.equal(page.total, 3000);
    assert.equal(page.matched, expected.length);
    assert.equal(page.rows.length, 20);
    assert.ok(page.rows.every((r) => ['b', 'bb'].includes(r.label)));
    assert.deepEqual(page.rows.map((r) => r.jet), [...order.subarray(10, 30)]);
    assert.equal(page.rows[0].values[col('jet_pt')], value(page.rows[0].jet, 'jet_pt'));
  });

  it('sorts and filters by a run\'s score, and refuses unknown columns and flavours in one sentence', async () => {
    const rng = new Rng(3);
    const scores = { run: 'r', discriminant: 'BvL', values: Float64Array.from({ length: d.n }, () => rng.uniform()) };
    const order = await jetTableOrder(d, { sort: { column: 'score', order: 'desc' }, range: { column: 'score', min: 0.9 } }, scores);
    assert.deepEqual([...order], [...Array(d.n).keys()].filter((i) => scores.values[i] >= 0.9).sort((a, b) => scores.values[b] - scores.values[a]));
    assert.equal((await jetTablePage(d, order, 0, 1, scores)).rows[0].score, scores.values[order[0]]);
    await assert.rejects(() => jetTableOrder(d, { sort: { column: 'score', order: 'asc' } }), /needs a run/);
    await assert.rejects(() => jetTableOrder(d, { sort: { column: 'nope', order: 'asc' } }), /no column "nope"/);
    await assert.rejects(() => jetTableOrder(d, { classes: ['top'] }), /no flavour "top"; its flavours are b, bb, c, udsg/);
  });

  it('orders a million jets and serves any window of them', async () => {
    const n = 1_000_000;
    const rng = new Rng(5);
    const big: JetDataset = {
      schema: { ...d.schema, features: d.schema.features.slice(0, 2) },
      n, features: Float32Array.from({ length: 2 * n }, () => rng.uniform()), labels: Int32Array.from({ length: n }, (_, i) => i % 4), source: { spec: 'synthetic:1000000', hash: 'x', kind: 'synthetic' },
    };
    const order = await jetTableOrder(big, { sort: { column: big.schema.features[1].name, order: 'asc' }, classes: ['udsg'] });
    assert.equal(order.length, n / 4);
    const page = await jetTablePage(big, order, order.length - 5, 50);
    assert.equal(page.rows.length, 5, 'the last rows');
    for (let k = 1; k < order.length; k++) assert.ok(big.features[order[k - 1] * 2 + 1] <= big.features[order[k] * 2 + 1]);
  });
});
