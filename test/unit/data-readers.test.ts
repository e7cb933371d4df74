import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { dump } from 'npyjs';
import { classCounts, type JetDataset } from '../../main/engine/data/dataset.ts';
import { writeJetsH5 } from '../../main/engine/data/h5.ts';
import { loadData, loadDataWithReport } from '../../main/engine/data/load.ts';
import { canStream, openJets } from '../../main/engine/data/open.ts';
import { readRoot } from '../../main/engine/data/root.ts';
import { rocCurve } from '../../main/engine/metrics/roc.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { syntheticUciJets, writeUciJson } from '../fixtures-uci.ts';
import { SHARED_DATA, SHARED_SKIP, tmpDir } from '../helpers.ts';

const ROOT_DIR = path.join(SHARED_DATA, 'root');
const PFNANO = path.join(ROOT_DIR, 'cms_pfnano_deepcsv_64jets.root');
const NANO = path.join(ROOT_DIR, 'cms_nano_2017mc_884jets.root');

/** Branches straight from jsroot, one flat array per branch: the independent view the reader is checked against. */
async function rawBranches(file: string, names: string[]): Promise<Record<string, number[]>> {
  const [ioName, treeName] = ['jsroot/io', 'jsroot/tree'];
  const { openFile } = await import(ioName);
  const { TSelector, treeProcess } = await import(treeName);
  const tree = await (await openFile(file)).readObject('Events');
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const sel = new TSelector();
  names.forEach((n) => sel.addBranch(n));
  sel.Process = function (this: { tgtobj: Record<string, ArrayLike<number>> }) {
    for (const n of names) out[n].push(...Array.from(this.tgtobj[n]));
  };
  await treeProcess(tree, sel);
  return out;
}

/** Mann–Whitney over all signal/background pairs, ties counting one half. */
function bruteAuc(signal: number[], background: number[]): number {
  let wins = 0;
  for (const s of signal) for (const b of background) wins += s > b ? 1 : s === b ? 0.5 : 0;
  return wins / (signal.length * background.length);
}

function column(d: JetDataset, name: string): number[] {
  const F = d.schema.features.length;
  const j = d.schema.features.findIndex((f) => f.name === name);
  return Array.from({ length: d.n }, (_, i) => d.features[i * F + j]);
}

describe('ROOT NanoAOD/PFNano reader', { skip: SHARED_SKIP }, () => {
  it('PFNano: 67 DeepCSV inputs, the selected jets and flavours agree with the raw branches', async () => {
    const { data, report } = await readRoot(PFNANO);
    const raw = await rawBranches(PFNANO, ['Jet_pt', 'Jet_eta', 'Jet_hadronFlavour', 'Jet_nBHadrons']);
    const flavour = (i: number) => (raw.Jet_hadronFlavour[i] === 5 ? (raw.Jet_nBHadrons[i] > 1 ? 'bb' : 'b') : raw.Jet_hadronFlavour[i] === 4 ? 'c' : 'udsg');
    const keep = raw.Jet_pt.map((_, i) => i).filter((i) => Math.abs(raw.Jet_eta[i]) < 2.5 && raw.Jet_pt[i] > 20 && raw.Jet_pt[i] < 1000);
    const expected = { b: 0, bb: 0, c: 0, udsg: 0 } as Record<string, number>;
    for (const i of keep) expected[flavour(i)]++;

    assert.equal(raw.Jet_pt.length, 64);
    assert.equal(data.n, keep.length);
    assert.equal(data.n, 22);
    assert.deepEqual(classCounts(data), expected);
    assert.deepEqual(classCounts(data), { b: 0, bb: 0, c: 3, udsg: 19 });
    assert.deepEqual(report!.selection!.classes_before, { b: 0, bb: 0, c: 3, udsg: 61 });
    assert.equal(report!.selection!.jets_before, 64);
    assert.equal(report!.selection!.failed_eta + report!.selection!.failed_pt + data.n, 64);
    assert.equal(Object.keys(report!.features_found).length, 67);
    assert.deepEqual(report!.features_missing, []);
    assert.equal(report!.features_found.trackSip2dSig_0, 'Jet_DeepCSV_trackSip2dSig_0');
    assert.deepEqual(column(data, 'jet_pt'), keep.map((i) => Math.fround(raw.Jet_pt[i])));
    assert.equal(data.source.kind, 'root');
    assert.match(data.source.hash, /^[0-9a-f]{64}$/);
  });

  it('resets the leftover per-track slots to -999 and counts them; no garbage survives', async () => {
    const { data, report } = await readRoot(PFNANO);
    assert.ok(report!.reset_slots > 0, 'this file is known to carry leftovers (7e28, NaN, repeats) in unused slots');
    const nSel = column(data, 'jetNSelectedTracks');
    const nEtaRel = column(data, 'jetNTracksEtaRel');
    for (let k = 0; k < 6; k++) {
      for (const f of ['trackDecayLenVal', 'trackDeltaR', 'trackJetDistVal', 'trackPtRatio', 'trackPtRel', 'trackSip2dSig', 'trackSip3dSig']) {
        column(data, `${f}_${k}`).forEach((v, i) => {
          if (k >= nSel[i]) assert.equal(v, -999, `${f}_${k} of jet ${i} with ${nSel[i]} tracks`);
        });
      }
    }
    for (let k = 0; k < 4; k++) column(data, `trackEtaRel_${k}`).forEach((v, i) => k >= nEtaRel[i] && assert.equal(v, -999));
    assert.ok(data.features.every((v) => Number.isFinite(v) && Math.abs(v) < 1e6), 'every input finite and physical after the reset');
    // The AboveCharm inputs stay at their own default (-1), never -999, inside the tracker.
    assert.ok(column(data, 'trackSip2dSigAboveCharm').every((v) => v !== -999));
  });

  it('NanoAOD without tagger inputs: 884 jets (830 udsg, 43 c, 11 b) before selection; strict loading names the first missing branch', async () => {
    await assert.rejects(loadData(NANO), (e: Error) => e.message.includes('cms_nano_2017mc_884jets.root') && /has no branch Jet_DeepCSV_flightDistance2dSig \(nor 64 more/.test(e.message));
    const { data, report } = await readRoot(NANO, { allowMissingFeatures: true });
    assert.deepEqual(report!.selection!.classes_before, { b: 11, bb: 0, c: 43, udsg: 830 });
    assert.equal(report!.selection!.jets_before, 884);
    assert.equal(report!.features_missing.length, 65);
    assert.deepEqual(Object.keys(report!.features_found), ['jet_pt', 'jet_eta']);
    const all = await readRoot(NANO, { allowMissingFeatures: true, selection: { etaMax: Infinity, ptMin: -Infinity, ptMax: Infinity } });
    assert.equal(all.data.n, 884);
    assert.deepEqual(classCounts(all.data), { b: 11, bb: 0, c: 43, udsg: 830 });
    assert.ok(data.n < 884 && data.n > 0);
    assert.ok(report!.external_taggers.includes('Jet_btagDeepB') && report!.external_taggers.includes('Jet_btagDeepFlavB'));
  });

  it('external tagger Jet_btagDeepB: a finite BvL AUC equal to a brute-force Mann–Whitney on the raw branches', async () => {
    const { data, external } = await loadDataWithReport(NANO, { external: ['Jet_btagDeepB'], allowMissingFeatures: true });
    const scores = external[0].scores;
    assert.equal(scores.length, data.n);
    const isSignal = Int8Array.from(data.labels, (k) => (k <= 1 ? 1 : k === 3 ? 0 : -1));
    const auc = rocCurve({ scores, isSignal })!.auc;
    assert.ok(Number.isFinite(auc) && auc > 0.5 && auc <= 1, `BvL AUC ${auc}`);

    const raw = await rawBranches(NANO, ['Jet_pt', 'Jet_eta', 'Jet_hadronFlavour', 'Jet_btagDeepB']);
    const sig: number[] = [];
    const bkg: number[] = [];
    raw.Jet_pt.forEach((pt, i) => {
      if (!(Math.abs(raw.Jet_eta[i]) < 2.5 && pt > 20 && pt < 1000)) return;
      if (raw.Jet_hadronFlavour[i] === 5) sig.push(raw.Jet_btagDeepB[i]);
      else if (raw.Jet_hadronFlavour[i] === 0) bkg.push(raw.Jet_btagDeepB[i]);
    });
    assert.ok(Math.abs(auc - bruteAuc(sig, bkg)) < 1e-12);
    await assert.rejects(loadDataWithReport(NANO, { external: ['Jet_btagNope'], allowMissingFeatures: true }), /has no branch Jet_btagNope for the external tagger/);
  });

  it('sums score branches for a composite external tagger (Jet_btagDeepB_b+Jet_btagDeepB_bb)', async () => {
    const { external } = await loadDataWithReport(PFNANO, { external: ['Jet_btagDeepB_b+Jet_btagDeepB_bb', 'Jet_btagDeepB_b', 'Jet_btagDeepB_bb'] });
    const [sum, b, bb] = external;
    assert.deepEqual(sum.columns, ['Jet_btagDeepB_b', 'Jet_btagDeepB_bb']);
    assert.equal(sum.scores.length, 22);
    sum.scores.forEach((s, i) => assert.equal(s, b.scores[i] + bb.scores[i]));
  });

  it('refuses files that are no NanoAOD: no Events tree, not ROOT, empty, truncated', async () => {
    const dir = tmpDir('tagscape-root-');
    await assert.rejects(readRoot(path.join(ROOT_DIR, 'uproot-simple.root')), /uproot-simple.root: has no TTree named "Events"/);
    fs.writeFileSync(path.join(dir, 'text.root'), 'hello, not a ROOT file');
    await assert.rejects(readRoot(path.join(dir, 'text.root')), /text.root: not a ROOT file/);
    fs.writeFileSync(path.join(dir, 'empty.root'), '');
    await assert.rejects(readRoot(path.join(dir, 'empty.root')), /empty.root: the file is empty/);
    fs.writeFileSync(path.join(dir, 'cut.root'), fs.readFileSync(PFNANO).subarray(0, 100000));
    await assert.rejects(readRoot(path.join(dir, 'cut.root')), /cut.root: truncated: the file has 100000 bytes but its header says 2958960/);
  });
});

/** Synthetic jets written with the format libraries, in each layout the readers accept. */
const jets = generateJets({ jets: 240, seed: 5 });
const F = jets.schema.features.length;
const NAMES = jets.schema.features.map((f) => f.name);
const featureColumn = (d: JetDataset, j: number) => Float32Array.from({ length: d.n }, (_, i) => d.features[i * F + j]);
const npyBytes = (a: Float32Array | Int32Array | Float64Array, shape: number[]) => new Uint8Array(dump(a, shape));

function writeCsv(file: string, d: JetDataset, rename: (n: string) => string = (n) => n, label = (k: number) => d.schema.classes[k], extra?: { name: string; values: number[] }): void {
  const header = [...NAMES.map(rename), 'label', ...(extra ? [extra.name] : [])];
  const rows = Array.from({ length: d.n }, (_, i) => [...Array.from(d.features.subarray(i * F, (i + 1) * F), String), label(d.labels[i]), ...(extra ? [String(extra.values[i])] : [])].join(','));
  fs.writeFileSync(file, [header.join(','), ...rows].join('\n') + '\n');
}

function assertSameJets(back: JetDataset, d: JetDataset): void {
  assert.equal(back.n, d.n);
  assert.equal(back.schema.name, d.schema.name);
  assert.ok(Buffer.from(back.features.buffer, back.features.byteOffset, back.features.byteLength).equals(Buffer.from(d.features.buffer)), 'features bit-identical');
  assert.deepEqual(back.labels, d.labels);
}

describe('NumPy, Parquet and CSV readers', () => {
  const dir = tmpDir('tagscape-readers-');

  it('round-trip a plain 2-D .npy (schema order, then the class index) exactly', async () => {
    const m = new Float32Array(jets.n * (F + 1));
    for (let i = 0; i < jets.n; i++) {
      m.set(jets.features.subarray(i * F, (i + 1) * F), i * (F + 1));
      m[i * (F + 1) + F] = jets.labels[i];
    }
    const file = path.join(dir, 'jets.npy');
    fs.writeFileSync(file, npyBytes(m, [jets.n, F + 1]));
    const { data, report } = await loadDataWithReport(file);
    assertSameJets(data, jets);
    assert.equal(data.source.kind, 'npy');
    assert.equal(report!.nonfinite_replaced, 0);
  });

  it('round-trip .npz: one array per column, and features + labels + feature_names', async () => {
    const perColumn: Record<string, Uint8Array> = Object.fromEntries(NAMES.map((n, j) => [`${n}.npy`, npyBytes(featureColumn(jets, j), [jets.n])]));
    perColumn['label.npy'] = npyBytes(jets.labels, [jets.n]);
    fs.writeFileSync(path.join(dir, 'cols.npz'), zipSync(perColumn));
    assertSameJets(await loadData(path.join(dir, 'cols.npz')), jets);

    // Columns in another order, named by feature_names (a unicode array): the reader reorders them.
    const order = NAMES.map((_, j) => j).reverse();
    const m = new Float32Array(jets.n * F);
    for (let i = 0; i < jets.n; i++) order.forEach((j, c) => (m[i * F + c] = jets.features[i * F + j]));
    const matrix = { 'features.npy': npyBytes(m, [jets.n, F]), 'labels.npy': npyBytes(jets.labels, [jets.n]), 'feature_names.npy': new Uint8Array(dump(order.map((j) => NAMES[j]), [F])) };
    fs.writeFileSync(path.join(dir, 'matrix.npz'), zipSync(matrix, { level: 6 }));
    const back = await loadData(path.join(dir, 'matrix.npz'));
    assertSameJets(back, jets);
    assert.equal(back.source.kind, 'npz');
  });

  it('round-trip Parquet with class-name labels and with integer labels', async () => {
    const cols = NAMES.map((name, j) => ({ name, data: featureColumn(jets, j), type: 'FLOAT' as const }));
    const named = path.join(dir, 'jets.parquet');
    fs.writeFileSync(named, new Uint8Array(parquetWriteBuffer({ columnData: [...cols, { name: 'label', data: Array.from(jets.labels, (k) => jets.schema.classes[k]), type: 'STRING' }] })));
    assertSameJets(await loadData(named), jets);
    const indexed = path.join(dir, 'indexed.parquet');
    const weights = Float32Array.from({ length: jets.n }, (_, i) => 0.25 * (1 + (i % 4)));
    fs.writeFileSync(
      indexed,
      new Uint8Array(parquetWriteBuffer({ columnData: [...cols, { name: 'label', data: jets.labels, type: 'INT32' }, { name: 'weight', data: weights, type: 'FLOAT' }], rowGroupSize: 100 })),
    );
    const back = await loadData(indexed);
    assertSameJets(back, jets);
    assert.deepEqual(back.weights, weights);
  });

  it('round-trip CSV (shortest float text) exactly', async () => {
    const file = path.join(dir, 'jets.csv');
    writeCsv(file, jets);
    const back = await loadData(file);
    assertSameJets(back, jets);
    assert.equal(back.source.kind, 'csv');
  });

  it('CSV through a mapping file: renamed columns, flavour codes, weights; the mapping is part of the hash', async () => {
    const file = path.join(dir, 'renamed.csv');
    const code = (k: number) => ['5', '55', '4', '0'][k];
    const weights = Array.from({ length: jets.n }, (_, i) => 1 + (i % 3));
    writeCsv(file, jets, (n) => `in_${n}`, code, { name: 'w', values: weights });
    const map = path.join(dir, 'map.json');
    const mapping = {
      features: Object.fromEntries(NAMES.map((n) => [`in_${n}`, n])),
      label: { column: 'label', values: { 5: 'b', 55: 'bb', 4: 'c', 0: 'udsg' } },
      weight: 'w',
    };
    fs.writeFileSync(map, JSON.stringify(mapping));
    await assert.rejects(loadData(file), /renamed.csv: has no column for 67 of the 67 deepcsv inputs \(first: jet_pt\); name the columns as the schema does or map them/);
    const back = await loadData(file, { map });
    assertSameJets(back, jets);
    assert.deepEqual(Array.from(back.weights!), weights);
    assert.equal(back.source.mapping, path.resolve(map));

    fs.writeFileSync(map, JSON.stringify({ ...mapping, weight: undefined }));
    const other = await loadData(file, { map });
    assert.notEqual(other.source.hash, back.source.hash, 'another mapping is other data');

    fs.writeFileSync(map, JSON.stringify({ ...mapping, label: { column: 'label', values: { 5: 'b', 4: 'c', 0: 'udsg' } } }));
    await assert.rejects(loadData(file, { map }), (e: Error) => /renamed.csv: jet \d+ has label "55" in column "label", which the mapping file .*map.json does not assign to a class; add it under "label"."values"/.test(e.message));
    fs.writeFileSync(map, JSON.stringify({ features: { in_jet_pt: 'jet_ptt' } }));
    await assert.rejects(loadData(file, { map }), /map.json: column "in_jet_pt" is mapped to "jet_ptt", which is not a deepcsv input/);
    fs.writeFileSync(map, '{"features": ');
    await assert.rejects(loadData(file, { map }), /map.json: the mapping file is not valid JSON/);
  });

  it('sets NaN/Inf entries to the feature default and counts them; refuses them where no default exists', async () => {
    const d = { ...jets, features: jets.features.slice() };
    const j = (name: string) => NAMES.indexOf(name);
    d.features[3 * F + j('trackSip2dSig_0')] = NaN;
    d.features[7 * F + j('trackSip2dSig_0')] = NaN;
    d.features[9 * F + j('vertexMass')] = Infinity;
    d.features[11 * F + j('trackSip3dValAboveCharm')] = -Infinity;
    const file = path.join(dir, 'nan.csv');
    writeCsv(file, d);
    const { data, report } = await loadDataWithReport(file);
    assert.equal(report!.nonfinite_replaced, 4);
    assert.deepEqual(report!.nonfinite_by_feature, { trackSip2dSig_0: 2, trackSip3dValAboveCharm: 1, vertexMass: 1 });
    assert.equal(data.features[3 * F + j('trackSip2dSig_0')], -999);
    assert.equal(data.features[9 * F + j('vertexMass')], -999);
    assert.equal(data.features[11 * F + j('trackSip3dValAboveCharm')], -1);
    assert.ok(data.features.every(Number.isFinite));

    const bad = { ...jets, features: jets.features.slice() };
    bad.features[5 * F + j('jet_pt')] = NaN;
    const badFile = path.join(dir, 'nanpt.csv');
    writeCsv(badFile, bad);
    await assert.rejects(loadData(badFile), /nanpt.csv: column "jet_pt" has 1 NaN or infinite entries \(first at jet 5\) and jet_pt has no default value; drop those jets/);
  });

  it('names the file and the problem for damaged or foreign NumPy, Parquet and CSV input', async () => {
    const be = path.join(dir, 'big.npy');
    const header = "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 68), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    fs.writeFileSync(be, Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + pad + 1, 0]), Buffer.from(header + ' '.repeat(pad) + '\n'), Buffer.alloc(2 * 68 * 4)]));
    await assert.rejects(loadData(be), /big.npy: is big-endian \(>f4\); convert it with arr.astype\('<f4'\)/);
    fs.writeFileSync(path.join(dir, 'cut.npy'), fs.readFileSync(path.join(dir, 'jets.npy')).subarray(0, 5000));
    await assert.rejects(loadData(path.join(dir, 'cut.npy')), /cut.npy: truncated: its header promises \d+ data bytes but only \d+ follow/);
    fs.writeFileSync(path.join(dir, 'wide.npy'), npyBytes(new Float32Array(10 * 5), [10, 5]));
    await assert.rejects(loadData(path.join(dir, 'wide.npy')), /wide.npy: a plain 2-D array has no column names and its 5 columns match no schema/);
    fs.writeFileSync(path.join(dir, 'cut.parquet'), fs.readFileSync(path.join(dir, 'jets.parquet')).subarray(0, 3000));
    await assert.rejects(loadData(path.join(dir, 'cut.parquet')), /cut.parquet: truncated: a Parquet file ends with its footer/);
    fs.writeFileSync(path.join(dir, 'short.csv'), 'jet_pt,jet_eta,label\n30,0.1,b\n40,0.2\n');
    await assert.rejects(loadData(path.join(dir, 'short.csv')), /short.csv: data row 2 has 2 fields but the header has 3/);
    fs.writeFileSync(path.join(dir, 'nolabel.csv'), NAMES.join(',') + '\n' + NAMES.map(() => '1').join(',') + '\n');
    await assert.rejects(loadData(path.join(dir, 'nolabel.csv')), /nolabel.csv: has no label column; add a "label" column with class names/);
    fs.writeFileSync(path.join(dir, 'badlabel.csv'), NAMES.join(',') + ',label\n' + NAMES.map(() => '1').join(',') + ',strange\n');
    await assert.rejects(loadData(path.join(dir, 'badlabel.csv')), /badlabel.csv: jet 0 has label "strange" in column "label", which is neither a class name/);
    fs.writeFileSync(path.join(dir, 'jets.txt'), 'x');
    await assert.rejects(loadData(path.join(dir, 'jets.txt')), /jets.txt: Tagscape reads .*; ".txt" is not one of them/);
  });
});

/** A seeded generator: the damaged files are the same on every run, so a failure can be reproduced. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A rejection a user can read: an Error whose message, one line, names the file. */
function assertNamed(e: unknown, name: string, how: string): void {
  assert.ok(e instanceof Error, `${name} (${how}): rejected with ${typeof e} ${String(e)}, not an Error`);
  assert.ok(e.message.includes(name), `${name} (${how}): the message names the file: ${e.message}`);
  assert.ok(!e.message.includes('\n'), `${name} (${how}): one line, no stack trace: ${e.message}`);
}

/** Every block of a file opened for streaming, as training reads it; the features, or the rejection. */
async function streamAll(file: string): Promise<{ features: Float32Array; labels: Int32Array }> {
  const src = await openJets(file, { stream: true, blockRows: 16 });
  try {
    const F = src.schema.features.length;
    const features = new Float32Array(src.n * F);
    for (const [s, e] of src.blocks()) features.set(await src.readRows(s, e), s * F);
    return { features, labels: src.labels };
  } finally {
    await src.close();
  }
}

describe('damaged files (fuzz)', () => {
  it('every reader, whole and streamed, either loads or rejects with an Error naming the file: about 300 damaged files', { timeout: 600_000 }, async (t) => {
    const dir = tmpDir('tagscape-fuzz-');
    const small = generateJets({ jets: 60, seed: 9 });
    const sources: Array<[string, Buffer]> = [];
    const m = new Float32Array(small.n * (F + 1));
    for (let i = 0; i < small.n; i++) {
      m.set(small.features.subarray(i * F, (i + 1) * F), i * (F + 1));
      m[i * (F + 1) + F] = small.labels[i];
    }
    sources.push(['npy', Buffer.from(npyBytes(m, [small.n, F + 1]))]);
    const members: Record<string, Uint8Array> = Object.fromEntries(NAMES.map((n, j) => [`${n}.npy`, npyBytes(featureColumn(small, j), [small.n])]));
    members['label.npy'] = npyBytes(small.labels, [small.n]);
    sources.push(['npz', Buffer.from(zipSync(members, { level: 6 }))]);
    const cols = NAMES.map((name, j) => ({ name, data: featureColumn(small, j), type: 'FLOAT' as const }));
    sources.push(['parquet', Buffer.from(parquetWriteBuffer({ columnData: [...cols, { name: 'label', data: small.labels, type: 'INT32' }] }))]);
    // Row groups of 20 with a page index: the streamed reader reads row ranges inside them.
    const grouped = parquetWriteBuffer({ columnData: [...cols, { name: 'label', data: Array.from(small.labels, (k) => small.schema.classes[k]), type: 'STRING' }], rowGroupSize: 20, pageSize: 256 });
    sources.push(['parquet', Buffer.from(grouped)]);
    await writeJetsH5(path.join(dir, 'src.h5'), small);
    sources.push(['h5', fs.readFileSync(path.join(dir, 'src.h5'))]);
    writeCsv(path.join(dir, 'src.csv'), small);
    sources.push(['csv', fs.readFileSync(path.join(dir, 'src.csv'))]);
    writeUciJson(path.join(dir, 'src.json.gz'), syntheticUciJets({ jets: 40, seed: 9 }));
    sources.push(['json.gz', fs.readFileSync(path.join(dir, 'src.json.gz'))]);
    if (!SHARED_SKIP) {
      sources.push(['root', fs.readFileSync(path.join(ROOT_DIR, 'uproot-simple.root'))]);
      sources.push(['root', fs.readFileSync(PFNANO)]);
    }

    const rnd = lcg(20240611);
    const cases: Array<{ name: string; bytes: Buffer }> = [];
    sources.forEach(([ext, bytes], s) => {
      const big = bytes.length > 1e6; // the 3 MB PFNano file takes a second per read: fewer of it
      cases.push({ name: `s${s}-empty.${ext}`, bytes: Buffer.alloc(0) });
      for (let k = 0; k < (big ? 4 : 14); k++) cases.push({ name: `s${s}-cut${k}.${ext}`, bytes: bytes.subarray(0, Math.floor(rnd() * bytes.length)) });
      for (let k = 0; k < (big ? 8 : 24); k++) {
        const b = Buffer.from(bytes);
        const flips = 1 + Math.floor(rnd() * 8);
        // Half of the flips hit the first and last kilobyte, where headers, footers and keys live.
        for (let f = 0; f < flips; f++) {
          const where = rnd() < 0.5 ? Math.floor(rnd() * b.length) : rnd() < 0.5 ? Math.floor(rnd() * Math.min(1024, b.length)) : b.length - 1 - Math.floor(rnd() * Math.min(1024, b.length));
          b[where] ^= 1 + Math.floor(rnd() * 255);
        }
        cases.push({ name: `s${s}-flip${k}.${ext}`, bytes: b });
      }
      // The right bytes behind the wrong extension (.h5 too: its reader must turn them away before HDF5 sees them).
      for (const other of ['npy', 'npz', 'parquet', 'csv', 'root', 'h5', 'json.gz']) if (other !== ext) cases.push({ name: `s${s}-as.${other}`, bytes: big ? bytes.subarray(0, 4096) : bytes });
    });
    assert.ok(cases.length >= (SHARED_SKIP ? 260 : 290), `${cases.length} damaged files`);

    let loaded = 0;
    let rejected = 0;
    let streamedCases = 0;
    const disagree: string[] = [];
    for (const c of cases) {
      const file = path.join(dir, c.name);
      fs.writeFileSync(file, c.bytes);
      const started = Date.now();
      let whole: JetDataset | null = null;
      try {
        whole = (await loadDataWithReport(file, { allowMissingFeatures: true })).data;
        loaded++;
        assert.ok(whole.labels.every((k) => k >= 0 && k < whole!.schema.classes.length), `${c.name}: labels in range`);
      } catch (e) {
        rejected++;
        assertNamed(e, c.name, 'whole');
      }
      if (canStream(file)) {
        // Opened for streaming and read block by block, as training and evaluation read large files.
        streamedCases++;
        try {
          const streamed = await streamAll(file);
          assert.ok(streamed.labels.every((k) => k >= 0 && k < 4), `${c.name}: streamed labels in range`);
          if (!whole) disagree.push(`${c.name} streams but is refused whole`);
          if (whole) {
            assert.deepEqual(streamed.labels, whole.labels, `${c.name}: streamed labels are the whole load's`);
            assert.ok(Buffer.from(streamed.features.buffer).equals(Buffer.from(whole.features.buffer)), `${c.name}: streamed features are the whole load's`);
          }
        } catch (e) {
          assertNamed(e, c.name, 'streamed');
          if (whole) disagree.push(`${c.name} loads whole but is refused streamed: ${(e as Error).message}`);
        }
      }
      assert.ok(Date.now() - started < 30_000, `${c.name}: took ${Date.now() - started} ms`);
    }
    assert.equal(loaded + rejected, cases.length);
    assert.ok(rejected > cases.length / 2, `${rejected} of ${cases.length} rejected`);
    assert.ok(streamedCases >= 120, `${streamedCases} damaged .h5/.parquet files streamed`);
    assert.deepEqual(disagree, [], 'a damaged file is taken or refused alike, whole and streamed');
    t.diagnostic(`${cases.length} damaged files: ${loaded} loaded, ${rejected} rejected; ${streamedCases} of them also streamed`);
  });
});
