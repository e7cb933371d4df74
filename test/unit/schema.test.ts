import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEEPCSV_SCHEMA } from '../../shared/schema/deepcsv.ts';
import { getSchema } from '../../main/engine/schema/index.ts';
import { uciSchema } from '../../main/engine/schema/uci.ts';
import { SHARED_DATA, SHARED_SKIP } from '../helpers.ts';

describe('feature schemas', () => {
  it('DeepCSV has the 67 CMS inputs, integer counts, four classes and the CMS discriminants', () => {
    const names = DEEPCSV_SCHEMA.features.map((f) => f.name);
    assert.equal(names.length, 67);
    assert.equal(new Set(names).size, 67);
    for (const n of ['jet_pt', 'jet_eta', 'trackSip2dSig_5', 'trackEtaRel_3', 'trackSip3dValAboveCharm', 'vertexMass', 'flightDistance3dSig']) {
      assert.ok(names.includes(n), n);
    }
    assert.deepEqual(
      DEEPCSV_SCHEMA.features.filter((f) => f.integer).map((f) => f.name).sort(),
      ['jetNSecondaryVertices', 'jetNSelectedTracks', 'jetNTracksEtaRel', 'vertexCategory', 'vertexNTracks'],
    );
    assert.deepEqual(DEEPCSV_SCHEMA.classes, ['b', 'bb', 'c', 'udsg']);
    const bvl = DEEPCSV_SCHEMA.discriminants.find((d) => d.name === 'BvL')!;
    assert.deepEqual([bvl.signal, bvl.background], [['b', 'bb'], ['udsg']]);
    assert.deepEqual(DEEPCSV_SCHEMA.discriminants.map((d) => d.name), ['BvL', 'BvC', 'CvB', 'CvL']);
  });

  it('UCI has 184 inputs and classes b, c, udsg; discriminants drop bb', () => {
    const s = uciSchema();
    assert.equal(s.features.length, 184);
    assert.deepEqual(s.classes, ['b', 'c', 'udsg']);
    assert.deepEqual(s.discriminants.find((d) => d.name === 'BvC')!.signal, ['b']);
    assert.throws(() => getSchema('nope'), /Unknown feature schema "nope"/);
  });

  it('UCI names and integer flags agree with the published feature table', { skip: SHARED_SKIP }, () => {
    const file = path.join(SHARED_DATA, 'uci_jet_flavor_184_features.csv');
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const s = uciSchema({ featureTable: file });
    assert.deepEqual(s.features.map((f) => f.name), rows.map((r) => r[1]));
    assert.deepEqual(s.features.map((f) => (f.integer ? '1' : '0')), rows.map((r) => r[2]));
    assert.deepEqual(s.features.map((f) => f.defaultValue), rows.map((r) => Number(r[5])));
    const plain = uciSchema();
    assert.deepEqual(plain.features.map((f) => f.integer), s.features.map((f) => f.integer), 'built-in integer flags match the table');
  });
});
