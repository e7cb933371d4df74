import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { tmpDir } from '../helpers.ts';
import { jsonOf as json, tagscape } from './run-cli.ts';


describe('tagscape train and evaluate --stream', () => {
  const dir = tmpDir('tagscape-cli-stream-');
  const ws = path.join(dir, 'ws');
  const common = ['--epochs', '2', '--hidden', '24,24', '--batch', '128', '--seed', '4', '--workspace', ws, '--json'];

  it('HDF5: streamed in blocks of 512 jets, training and evaluation print what the in-memory ones print', () => {
    const data = path.join(dir, 'jets.h5');
    json(tagscape('generate', '--jets', '5000', '--seed', '3', '--out', data, '--json'));
    const streamed = tagscape('train', '--data', data, '--stream', '--block-rows', '512', '--name', 'streamed', ...common);
    assert.match(streamed.stderr, /data: 5000 jets \(1 MB of inputs\) streamed from disk, 512 per block/);
    const s = json(streamed);
    const m = json(tagscape('train', '--data', data, '--in-memory', '--name', 'memory', ...common));
    assert.equal(s.status, 'complete');
    assert.deepEqual(s.test_auc, m.test_auc);
    const { seconds: _s, jets_per_s: _j, ...sFinal } = s.final;
    const { seconds: _m, jets_per_s: _k, ...mFinal } = m.final;
    assert.deepEqual(sFinal, mFinal);

    const csvS = path.join(dir, 'streamed.csv');
    const csvM = path.join(dir, 'memory.csv');
    const es = json(tagscape('evaluate', '--workspace', ws, '--run', 'streamed', '--data', data, '--stream', '--block-rows', '700', '--scores-out', csvS, '--json'));
    const em = json(tagscape('evaluate', '--workspace', ws, '--run', 'streamed', '--data', data, '--scores-out', csvM, '--json'));
    assert.equal(es.split, 'test');
    assert.deepEqual(es, em);
    assert.deepEqual(es.auc, s.test_auc, 'the test split evaluated again gives the AUCs stored at the end of training');
    assert.equal(fs.readFileSync(csvS, 'utf8'), fs.readFileSync(csvM, 'utf8'));
  });

  it('Parquet with other column names: refused without --map; with it trained streamed, evaluated and resumed', () => {
    const jets = generateJets({ jets: 3000, seed: 5 });
    const F = jets.schema.features.length;
    const cols = jets.schema.features.map((f, j) => ({ name: `x_${f.name}`, data: Float32Array.from({ length: jets.n }, (_, i) => jets.features[i * F + j]), type: 'FLOAT' as const }));
    const file = path.join(dir, 'renamed.parquet');
    const flav = { name: 'hadronFlavour', data: Int32Array.from(jets.labels, (k) => [5, 55, 4, 0][k]), type: 'INT32' as const };
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [...cols, flav], rowGroupSize: 1000 })));
    const map = path.join(dir, 'mapping.json');
    fs.writeFileSync(
      map,
      JSON.stringify({ features: Object.fromEntries(jets.schema.features.map((f) => [`x_${f.name}`, f.name])), label: { column: 'hadronFlavour', values: { 5: 'b', 55: 'bb', 4: 'c', 0: 'udsg' } } }),
    );
    const unmapped = tagscape('train', '--data', file, '--name', 'nomap', ...common);
    assert.notEqual(unmapped.code, 0);
    assert.match(unmapped.stderr, /renamed.parquet: has no column for 67 of the 67 deepcsv inputs .*mapping file \(--map\)/);

    const t = json(tagscape('train', '--data', file, '--map', map, '--stream', '--block-rows', '400', '--name', 'mapped', ...common));
    assert.equal(t.status, 'complete');
    const config = JSON.parse(fs.readFileSync(path.join(ws, 'runs', 'mapped', 'config.json'), 'utf8'));
    assert.equal(config.data.mapping, map, 'the run remembers the mapping');
    const e = json(tagscape('evaluate', '--workspace', ws, '--run', 'mapped', '--data', file, '--map', map, '--stream', '--json'));
    assert.equal(e.split, 'test', 'the same file through the same mapping is the training data');
    assert.deepEqual(e.auc, t.test_auc);
    const r = json(tagscape('train', '--workspace', ws, '--name', 'mapped', '--resume', '--epochs', '3', '--stream', '--json'));
    assert.equal(r.epochs_done, 3, 'a resume reads the table through the stored mapping');
  });

  it('refuses contradictory options in one sentence', () => {
    const r = tagscape('train', '--data', 'synthetic:100', '--stream', '--in-memory', '--name', 'x', '--workspace', ws);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--stream and --in-memory exclude each other/);
    assert.ok(r.stderr.trim().split('\n').filter((l) => !l.startsWith('backend:')).length <= 1, r.stderr);
    const b = tagscape('train', '--data', 'synthetic:100', '--block-rows', '0', '--name', 'x', '--workspace', ws);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--block-rows must be an integer >= 1/);
  });
});
