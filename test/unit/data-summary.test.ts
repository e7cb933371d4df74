import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { summariseData, type DataSummary } from '../../main/engine/data/summary.ts';
import { jetTableOrder, jetTablePage } from '../../main/engine/data/jet-table.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';

describe('data summary for the Data page', () => {
  const d = generateJets({ jets: 800, seed: 4 });
  let s: DataSummary;
  before(async () => {
    s = await summariseData(d, 'trackSip2dSig_3', 20);
  });

  it('counts classes and defaults, and histograms only measured entries per flavour', () => {
    assert.equal(Object.values(s.classes).reduce((a, b) => a + b, 0), 800);
    const f = s.features.find((x) => x.name === 'trackSip2dSig_3')!;
    const j = d.schema.features.findIndex((x) => x.name === 'trackSip2dSig_3');
    let defaults = 0;
    for (let i = 0; i < d.n; i++) if (d.features[i * 67 + j] === -999) defaults++;
    assert.equal(f.defaults_fraction, defaults / 800);
    const inBins = Object.values(s.histogram.counts).flat().reduce((a, b) => a + b, 0);
    const atDefault = Object.values(s.histogram.defaults).reduce((a, b) => a + b, 0);
    assert.equal(atDefault, defaults);
    assert.equal(inBins, 800 - defaults, 'every measured entry lands in a bin (range from the data)');
  });

  it('gives a symmetric correlation matrix with ones on the diagonal', () => {
    const m = s.correlation.matrix;
    assert.equal(m.length, 67);
    for (let a = 0; a < 67; a++) {
      assert.equal(m[a][a], 1);
      for (let b = 0; b < 67; b++) {
        assert.equal(m[a][b], m[b][a]);
        assert.ok(m[a][b] >= -1 - 1e-9 && m[a][b] <= 1 + 1e-9);
      }
    }
    const i2 = s.correlation.names.indexOf('trackSip2dSig_0');
    const i3 = s.correlation.names.indexOf('trackSip3dSig_0');
    assert.ok(m[i2][i3] > 0.5, `2D and 3D IP significances correlate (${m[i2][i3]})`);
  });

  it('pages through the jets', async () => {
    const p = await jetTablePage(d, await jetTableOrder(d, {}), 790, 25);
    assert.equal(p.total, 800);
    assert.equal(p.rows.length, 10);
    assert.equal(p.rows[0].jet, 790);
    assert.equal(p.rows[0].values.length, 67);
    await assert.rejects(() => summariseData(d, 'nope'), /no input "nope"/);
  });
});
