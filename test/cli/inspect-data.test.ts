import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { classCounts } from '../../main/engine/data/dataset.ts';
import { writeJetsH5 } from '../../main/engine/data/h5.ts';
import { loadData } from '../../main/engine/data/load.ts';
import { defaultValues32 } from '../../main/engine/preprocess/defaults.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { ROOT, SHARED_DATA, SHARED_SKIP, tmpDir } from '../helpers.ts';
import { jsonOf, tagscape, type CliResult } from './run-cli.ts';

const PFNANO = path.join(SHARED_DATA, 'root', 'cms_pfnano_deepcsv_64jets.root');
const NANO = path.join(SHARED_DATA, 'root', 'cms_nano_2017mc_884jets.root');

function json(r: CliResult): Record<string, any> {
  assert.equal(r.stdout.trim().split('\n').length, 1, 'stdout is one line of JSON');
  return jsonOf(r);
}

/** A failure is one sentence on stderr naming the file, with a non-zero exit and no stack trace. */
function assertOneSentence(r: { code: number; stdout: string; stderr: string }, file: string, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `non-zero exit expected; stdout: ${r.stdout}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.ok(lines[0].includes(path.basename(file)), `names ${path.basename(file)}: ${lines[0]}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/);
  assert.equal(r.stdout, '');
}

describe('tagscape inspect-data and evaluate --external on real CMS files', { skip: SHARED_SKIP }, () => {
  it('PFNano: 22 selected jets (3 c, 19 udsg), all 67 DeepCSV inputs, leftover slots reset', () => {
    const r = json(tagscape('inspect-data', '--data', PFNANO, '--json'));
    assert.equal(r.jets, 22);
    assert.deepEqual(r.classes, { b: 0, bb: 0, c: 3, udsg: 19 });
    assert.equal(r.features_found, 67);
    assert.deepEqual(r.features_missing, []);
    assert.ok(r.reset_slots > 0);
    assert.equal(r.nonfinite_replaced, 0);
    assert.ok(r.defaults_fraction > 0 && r.defaults_fraction < 1);
    assert.deepEqual({ ...r.selection, classes_before: undefined }, { eta_max: 2.5, pt_min: 20, pt_max: 1000, jets_before: 64, classes_before: undefined, failed_eta: 12, failed_pt: 30 });
    assert.ok(r.external_taggers.includes('Jet_btagDeepB_b'));
  });

  it('NanoAOD: 884 jets before selection (830 udsg, 43 c, 11 b), no DeepCSV inputs, a wider selection keeps them all', () => {
    const r = json(tagscape('inspect-data', '--data', NANO, '--json'));
    assert.deepEqual(r.selection.classes_before, { b: 11, bb: 0, c: 43, udsg: 830 });
    assert.equal(r.features_found, 2);
    assert.equal(r.features_missing.length, 65);
    assert.equal(r.defaults_fraction, null);
    const all = json(tagscape('inspect-data', '--data', NANO, '--json', '--eta-max', '100', '--pt-min', '0', '--pt-max', '1e9'));
    assert.equal(all.jets, 884);
    assert.deepEqual(all.classes, { b: 11, bb: 0, c: 43, udsg: 830 });
  });

  it('evaluate --external Jet_btagDeepB: a finite BvL AUC, the other discriminants null with a reason', () => {
    const r = json(tagscape('evaluate', '--data', NANO, '--external', 'Jet_btagDeepB', '--json'));
    assert.equal(r.external, 'Jet_btagDeepB');
    assert.equal(r.run, null);
    assert.ok(Number.isFinite(r.auc.BvL) && r.auc.BvL > 0.5 && r.auc.BvL <= 1, `BvL AUC ${r.auc.BvL}`);
    for (const d of ['BvC', 'CvB', 'CvL']) assert.equal(r.auc[d], null);
    const bvc = r.discriminants.find((d: { name: string }) => d.name === 'BvC');
    assert.match(bvc.reason, /BvC needs the tagger's class probabilities/);
    assert.equal(r.class_counts.b + r.class_counts.bb + r.class_counts.c + r.class_counts.udsg, r.jets);
  });

  it('bad requests: a missing branch, --external with --run', () => {
    assertOneSentence(tagscape('evaluate', '--data', NANO, '--external', 'Jet_btagNope', '--json'), NANO, /has no branch Jet_btagNope for the external tagger/);
    const r = tagscape('evaluate', '--data', NANO, '--external', 'Jet_btagDeepB', '--run', 'x');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give it without --run and --workspace/);
  });
});

describe('tagscape inspect-data on tables and bad input', () => {
  const dir = tmpDir('tagscape-inspect-');
  const names = ['jet_pt', 'jet_eta'];

  it('a CSV through a mapping file: jets, classes, NaN replacements and missing inputs', () => {
    const csv = path.join(dir, 'jets.csv');
    fs.writeFileSync(csv, ['pt,eta,sip,flav', '30,0.5,2.5,5', '45,-1.2,nan,0', '80,2.1,-999,4', '120,0.1,1.5,55'].join('\n') + '\n');
    const map = path.join(dir, 'map.json');
    fs.writeFileSync(map, JSON.stringify({ features: { pt: 'jet_pt', eta: 'jet_eta', sip: 'trackSip2dSig_0' }, label: { column: 'flav', values: { 5: 'b', 55: 'bb', 4: 'c', 0: 'udsg' } } }));
    const r = json(tagscape('inspect-data', '--data', csv, '--map', map, '--json'));
    assert.equal(r.jets, 4);
    assert.deepEqual(r.classes, { b: 1, bb: 1, c: 1, udsg: 1 });
    assert.equal(r.features_found, 3);
    assert.equal(r.features_missing.length, 64);
    assert.equal(r.nonfinite_replaced, 1);
    assert.equal(r.defaults_fraction, 0.5, 'trackSip2dSig_0 is at -999 for two of four jets (one of them was NaN)');
    assert.equal(r.selection, null);
    assert.equal(r.format, 'csv');
  });

  it('answers bad files with one sentence naming the file and a non-zero exit', () => {
    const empty = path.join(dir, 'empty.root');
    fs.writeFileSync(empty, '');
    assertOneSentence(tagscape('inspect-data', '--data', empty, '--json'), empty, /the file is empty/);
    const text = path.join(dir, 'notes.parquet');
    fs.writeFileSync(text, 'these are my notes');
    assertOneSentence(tagscape('inspect-data', '--data', text), text, /not a Parquet file/);
    const wrong = path.join(dir, 'jets.npy');
    fs.writeFileSync(wrong, 'jet_pt,jet_eta,label\n30,0.1,b\n');
    assertOneSentence(tagscape('inspect-data', '--data', wrong, '--json'), wrong, /not a NumPy .npy array/);
    const nolabel = path.join(dir, 'nolabel.csv');
    fs.writeFileSync(nolabel, `${names.join(',')}\n30,0.1\n`);
    assertOneSentence(tagscape('inspect-data', '--data', nolabel, '--json'), nolabel, /has no label column/);
    const badlabel = path.join(dir, 'badlabel.csv');
    fs.writeFileSync(badlabel, `${names.join(',')},label\n30,0.1,7\n`);
    assertOneSentence(tagscape('inspect-data', '--data', badlabel, '--json'), badlabel, /jet 0 has label "7" in column "label", which is neither a class name/);
    const missingColumn = path.join(dir, 'map-missing.json');
    fs.writeFileSync(missingColumn, JSON.stringify({ features: { pt: 'jet_pt' } }));
    assertOneSentence(tagscape('inspect-data', '--data', badlabel, '--map', missingColumn, '--json'), badlabel, /has no column "pt", which the mapping file .* maps to jet_pt/);
    assertOneSentence(tagscape('inspect-data', '--data', path.join(dir, 'absent.csv')), path.join(dir, 'absent.csv'), /no such file/);
  });

  it('an HDF5 file, counted a block at a time, gives exactly the counts of the jets loaded whole', async () => {
    const file = path.join(dir, 'jets.h5');
    // More jets than one streamed block (8192), so the counts span several blocks.
    const d = generateJets({ jets: 40000, seed: 9 });
    await writeJetsH5(file, d);
    const r = json(tagscape('inspect-data', '--data', file, '--json'));
    const F = d.schema.features.length;
    const defs = defaultValues32(d.schema);
    const withDefault = d.schema.features.map((f, j) => (Number.isNaN(f.defaultValue) ? -1 : j)).filter((j) => j >= 0);
    let atDefault = 0;
    for (let i = 0; i < d.n; i++) for (const j of withDefault) if (d.features[i * F + j] === defs[j]) atDefault++;
    assert.ok(atDefault > 0);
    assert.equal(r.jets, 40000);
    assert.deepEqual(r.classes, classCounts(d));
    assert.equal(r.defaults_fraction, atDefault / (d.n * withDefault.length));
    assert.equal(r.features_found, F);
    assert.equal(r.format, 'hdf5');
    assert.equal(r.hash, (await loadData(file)).source.hash);
  });

  it('a truncated real ROOT file is called truncated', { skip: SHARED_SKIP }, () => {
    const cut = path.join(dir, 'cut.root');
    fs.writeFileSync(cut, fs.readFileSync(PFNANO).subarray(0, 1_000_000));
    assertOneSentence(tagscape('inspect-data', '--data', cut, '--json'), cut, /truncated: the file has 1000000 bytes but its header says 2958960; copy or export it again/);
    const flipped = path.join(dir, 'flipped.root');
    const bytes = fs.readFileSync(PFNANO);
    bytes[bytes.length - 5000] ^= 0xff;
    fs.writeFileSync(flipped, bytes);
    const r = tagscape('inspect-data', '--data', flipped, '--json');
    if (r.code !== 0) assertOneSentence(r, flipped, /flipped.root/);
  });
});
