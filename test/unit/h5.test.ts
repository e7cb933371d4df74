import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { openJetsH5, readJetsH5, writeJetsH5 } from '../../main/engine/data/h5.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { Rng } from '../../main/engine/rng.ts';
import { tmpDir } from '../helpers.ts';
import { tagscape } from '../cli/run-cli.ts';

describe('HDF5 jet files', () => {
  const dir = tmpDir();
  const d = generateJets({ jets: 300, seed: 2 });

  it('round-trips features, labels, weights and schema metadata exactly', async () => {
    const file = path.join(dir, 'jets.h5');
    const weights = Float32Array.from({ length: d.n }, (_, i) => 0.5 + (i % 3));
    await writeJetsH5(file, { ...d, weights });
    const back = await readJetsH5(file);
    assert.equal(back.n, 300);
    assert.equal(back.schema.name, 'deepcsv');
    assert.deepEqual(Buffer.from(back.features.buffer), Buffer.from(d.features.buffer));
    assert.deepEqual(back.labels, d.labels);
    assert.deepEqual(back.weights, weights);
    assert.match(back.source.hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  it('says a truncated file is truncated or not HDF5, naming the file', async () => {
    const file = path.join(dir, 'jets.h5');
    const cut = path.join(dir, 'cut.h5');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(readJetsH5(cut), (e: Error) => e.message.includes('cut.h5') && /truncated: the file has \d+ bytes but its header says \d+/.test(e.message));
    fs.writeFileSync(path.join(dir, 'text.h5'), 'hello');
    await assert.rejects(readJetsH5(path.join(dir, 'text.h5')), /text.h5: not an HDF5 file/);
    await assert.rejects(readJetsH5(path.join(dir, 'missing.h5')), /no such file/);
  });

  it('names the wrong column when feature names do not match the schema', async () => {
    const file = path.join(dir, 'renamed.h5');
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'w');
    const names = d.schema.features.map((x) => x.name);
    names[5] = 'trackSip2dSignificance_0';
    f.create_dataset({ name: 'features', data: d.features, shape: [d.n, 67], dtype: '<f4' });
    f.create_dataset({ name: 'labels', data: d.labels, shape: [d.n], dtype: '<i4' });
    f.create_dataset({ name: 'feature_names', data: names });
    f.create_attribute('schema', 'deepcsv');
    f.close();
    await assert.rejects(readJetsH5(file), /feature column 5 is "trackSip2dSignificance_0"/);
  });

  it('refuses NaN features and out-of-range labels with the jet that has them', async () => {
    const bad = d.features.slice();
    bad[7 * 67 + 3] = NaN;
    await writeJetsH5(path.join(dir, 'nan.h5'), { ...d, features: bad });
    await assert.rejects(readJetsH5(path.join(dir, 'nan.h5')), /1 feature entries are NaN or infinite \(first: jet 7, flightDistance2dVal\)/);
    const labels = d.labels.slice();
    labels[4] = 9;
    await writeJetsH5(path.join(dir, 'label.h5'), { ...d, labels });
    await assert.rejects(readJetsH5(path.join(dir, 'label.h5')), /jet 4 has label 9/);
  });

  it('refuses to read rows after the file is closed, naming it, and closes only once', async () => {
    const file = path.join(dir, 'jets.h5');
    const h = await openJetsH5(file);
    assert.deepEqual(Buffer.from(h.readRows(2, 4).buffer), Buffer.from(d.features.slice(2 * 67, 4 * 67).buffer));
    h.close();
    assert.throws(() => h.readRows(2, 4), /jets\.h5: the file was already closed; open it again/);
    h.close();
  });

  it('answers damaged HDF5 metadata with one sentence, without the library\'s error stack', () => {
    const bytes = fs.readFileSync(path.join(dir, 'jets.h5'));
    const rng = new Rng(3);
    for (let trial = 0; trial < 5; trial++) {
      const b = Buffer.from(bytes);
      for (let k = 0; k < 30; k++) b[100 + rng.int(2900)] ^= 0xff;
      const file = path.join(dir, `flip${trial}.h5`);
      fs.writeFileSync(file, b);
      const r = tagscape('inspect-data', '--data', file, '--json');
      if (r.code === 0) continue; // the flips missed everything that matters
      assert.doesNotMatch(r.stderr, /HDF5-DIAG/);
      assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
      assert.match(r.stderr, new RegExp(`flip${trial}\\.h5`));
    }
  });
});
