import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { readJetsH5, writeJetsH5, writeJetsH5Chunked } from '../../main/engine/data/h5.ts';
import { loadData } from '../../main/engine/data/load.ts';
import { openJets } from '../../main/engine/data/open.ts';
import { readMapping } from '../../main/engine/data/mapping.ts';
import { openParquetSource } from '../../main/engine/data/parquet-source.ts';
import { forEachRowBatch, type JetSource } from '../../main/engine/data/source.ts';
import { evaluateRun, evaluateRunOnSource } from '../../main/engine/evaluate/evaluate-run.ts';
import { readBundle } from '../../main/engine/store/bundle.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { resumeTraining, startTraining } from '../../main/engine/train/run.ts';
import { BIN } from '../cli/run-cli.ts';
import { backend, ROOT, tmpDir } from '../helpers.ts';

const N = 5000;
const BLOCK = 512;

/** Every block of a source, concatenated in order. */
async function readAllBlocks(src: JetSource): Promise<Float32Array> {
  const F = src.schema.features.length;
  const out = new Float32Array(src.n * F);
  let next = 0;
  for (const [s, e] of src.blocks()) {
    assert.equal(s, next, 'blocks are consecutive');
    assert.ok(e - s <= BLOCK, `block of ${e - s} jets exceeds ${BLOCK}`);
    out.set(await src.readRows(s, e), s * F);
    next = e;
  }
  assert.equal(next, src.n, 'blocks cover every jet');
  return out;
}

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

async function assertSameAsWhole(src: JetSource, whole: JetDataset): Promise<void> {
  const F = whole.schema.features.length;
  assert.equal(src.inMemory, false);
  assert.equal(src.n, whole.n);
  assert.equal(src.schema.name, whole.schema.name);
  assert.deepEqual(bytes(await readAllBlocks(src)), bytes(whole.features), 'blockwise features are the whole load, bit for bit');
  assert.deepEqual(src.labels, whole.labels);
  assert.deepEqual(src.weights, whole.weights);
  assert.equal(src.source.hash, whole.source.hash);
  // Ranges that straddle blocks (and row groups) read the same rows too.
  for (const [s, e] of [[0, 1], [511, 1300], [1299, 1301], [4321, N]]) {
    assert.deepEqual(bytes(await src.readRows(s, e)), bytes(whole.features.subarray(s * F, e * F)), `rows ${s}..${e}`);
  }
}

describe('streamed jet sources', () => {
  const dir = tmpDir('tagscape-stream-');
  const jets = generateJets({ jets: N, seed: 11 });
  const F = jets.schema.features.length;
  const weights = Float32Array.from({ length: N }, (_, i) => 0.5 + (i % 5) * 0.25);
  const NAMES = jets.schema.features.map((f) => f.name);
  const column = (j: number, nan = false) =>
    Float32Array.from({ length: N }, (_, i) => (nan && i % 97 === 3 ? NaN : jets.features[i * F + j]));
  // trackSip2dSig_0 has a default value, so NaN entries there are set to it (and counted) by any load.
  const nanFeature = NAMES.indexOf('trackSip2dSig_0');

  it('HDF5: blocks of 512 jets are exactly the whole-file load, contiguous or HDF5-chunked', async () => {
    const file = path.join(dir, 'jets.h5');
    await writeJetsH5(file, { ...jets, weights });
    const src = await openJets(file, { stream: true, blockRows: BLOCK });
    try {
      await assertSameAsWhole(src, await readJetsH5(file));
    } finally {
      await src.close();
    }
    // The same jets written a block at a time (as for files larger than memory) read back the same.
    const chunked = path.join(dir, 'chunked.h5');
    await writeJetsH5Chunked(chunked, jets.schema, N, (s, e) => ({ features: jets.features.subarray(s * F, e * F), labels: jets.labels.subarray(s, e), weights: weights.subarray(s, e) }), { blockRows: 700 });
    const back = await readJetsH5(chunked);
    assert.deepEqual(bytes(back.features), bytes(jets.features));
    assert.deepEqual(back.labels, jets.labels);
    assert.deepEqual(back.weights, weights);
  });

  it('HDF5: a NaN deep in the file is refused naming the jet, as by a whole load', async () => {
    const bad = jets.features.slice();
    bad[4000 * F + 5] = NaN;
    const file = path.join(dir, 'nan.h5');
    await writeJetsH5(file, { ...jets, features: bad });
    const src = await openJets(file, { stream: true, blockRows: BLOCK });
    try {
      await assert.rejects(readAllBlocks(src), /nan.h5: 1 feature entries among jets 3584..4095 are NaN or infinite \(first: jet 4000, /);
    } finally {
      await src.close();
    }
    await assert.rejects(readJetsH5(file), /nan.h5: 1 feature entries are NaN or infinite \(first: jet 4000, /);
  });

  it('Parquet: blocks inside row groups of 1300, with a page index, equal the whole-file load (NaN policy, text labels, weights)', async () => {
    const file = path.join(dir, 'groups.parquet');
    const cols = NAMES.map((name, j) => ({ name, data: column(j, j === nanFeature), type: 'FLOAT' as const }));
    const label = { name: 'label', data: Array.from(jets.labels, (k) => jets.schema.classes[k]), type: 'STRING' as const };
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [...cols, label, { name: 'weight', data: weights, type: 'FLOAT' }], rowGroupSize: 1300, pageSize: 2048 })));
    const whole = await loadData(file);
    assert.ok(whole.features.some((v, i) => i % F === nanFeature && v === jets.schema.features[nanFeature].defaultValue), 'NaN entries became the default');
    const src = await openParquetSource(file, { blockRows: BLOCK });
    try {
      assert.ok(src.blocks().every(([s, e]) => Math.floor(s / 1300) === Math.floor((e - 1) / 1300)), 'no block straddles a row group');
      await assertSameAsWhole(src, whole);
    } finally {
      await src.close();
    }
  });

  it('Parquet: one row group without a page index, read through a mapping file, equals the whole-file load', async () => {
    const file = path.join(dir, 'mapped.parquet');
    const cols = NAMES.map((name, j) => ({ name: `in_${name}`, data: column(j), type: 'FLOAT' as const, offsetIndex: false }));
    const flav = { name: 'flav', data: Int32Array.from(jets.labels, (k) => [5, 55, 4, 0][k]), type: 'INT32' as const, offsetIndex: false };
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [...cols, flav], rowGroupSize: N, pageSize: 4096 })));
    const map = path.join(dir, 'map.json');
    fs.writeFileSync(map, JSON.stringify({ features: Object.fromEntries(NAMES.map((n) => [`in_${n}`, n])), label: { column: 'flav', values: { 5: 'b', 55: 'bb', 4: 'c', 0: 'udsg' } } }));
    const whole = await loadData(file, { map });
    const src = await openParquetSource(file, { blockRows: BLOCK, mapping: readMapping(map) });
    try {
      await assertSameAsWhole(src, whole);
      assert.equal(src.source.mapping, path.resolve(map));
    } finally {
      await src.close();
    }
  });

  it('batches chosen rows the same way whatever the block size', async () => {
    const file = path.join(dir, 'jets.h5');
    const rows = Uint32Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 1);
    const groups = async (blockRows: number) => {
      const src = await openJets(file, { stream: true, blockRows });
      const seen: Array<[number, number]> = [];
      const got = new Float32Array(rows.length * F);
      await forEachRowBatch(src, rows, 1000, (first, raw) => {
        seen.push([first, raw.length / F]);
        got.set(raw, first * F);
      });
      await src.close();
      return { seen, got };
    };
    const a = await groups(BLOCK);
    const b = await groups(N);
    assert.deepEqual(a.seen, b.seen);
    assert.deepEqual(a.seen.map(([, k]) => k), [...Array(Math.floor(rows.length / 1000)).fill(1000), rows.length % 1000]);
    const expected = new Float32Array(rows.length * F);
    rows.forEach((i, k) => expected.set(jets.features.subarray(i * F, (i + 1) * F), k * F));
    assert.deepEqual(bytes(a.got), bytes(expected));
  });

  it('stays whole below the automatic threshold and streams when asked', async () => {
    const file = path.join(dir, 'jets.h5');
    const auto = await openJets(file);
    assert.equal(auto.inMemory, true);
    assert.equal(auto.source.hash, (await readJetsH5(file)).source.hash);
    const forced = await openJets(file, { stream: true });
    assert.equal(forced.inMemory, false);
    assert.ok(!forced.holdRows);
    await forced.close();
    // --in-memory: not a whole load; what a step reads more than once is held (the training rows).
    const held = await openJets(file, { stream: false });
    assert.equal(held.inMemory, false);
    assert.equal(held.holdRows, true);
    await held.close();
    // Formats that cannot be streamed are loaded whole even when asked.
    assert.equal((await openJets('synthetic:50', { stream: true })).inMemory, true);
  });
});

describe('streamed training and evaluation', () => {
  before(backend);
  const dir = tmpDir('tagscape-stream-train-');
  const jets = generateJets({ jets: N, seed: 12 });
  const F = jets.schema.features.length;
  const weights = Float32Array.from({ length: N }, (_, i) => 0.5 + (i % 4) * 0.25);
  const file = path.join(dir, 'jets.h5');
  const small = { epochs: 2, batchSize: 128, hidden: [24, 24], seed: 9 };

  function runFiles(ws: string, name: string): Record<string, Buffer> {
    const run = path.join(ws, 'runs', name);
    const out: Record<string, Buffer> = {};
    for (const f of ['model.bin', 'split.bin', 'preprocess.json', 'checkpoints/epoch-0001.bin', 'checkpoints/epoch-0002.bin', 'metrics.json']) out[f] = fs.readFileSync(path.join(run, f));
    return out;
  }

  const configs = {
    nominal: small,
    'reweighted fgsm': { ...small, reweight: true, adversarial: { attack: 'fgsm' as const, eps: 0.05, fraction: 1, warmupEpochs: 0 } },
  };
  for (const [what, config] of Object.entries(configs)) {
    it(`${what}: streaming from blocks of 512 trains the same model as memory, bit for bit, and leaves no scratch file`, async () => {
      await writeJetsH5(file, { ...jets, weights });
      const whole = await readJetsH5(file);
      const ws = tmpDir();
      const scratch = path.join(ws, 'runs', 'stream', '.scratch');
      const mem = await startTraining({ workspace: ws, name: 'mem', data: whole, config });
      const src = await openJets(file, { stream: true, blockRows: BLOCK });
      let streamed;
      try {
        // The scratch files hold the raw float32 inputs of the training and validation jets, in the run's folder.
        const onStart = (info: { trainJets: number; valJets: number }) =>
          assert.deepEqual(
            fs.readdirSync(scratch).sort().map((f) => [f, fs.statSync(path.join(scratch, f)).size]),
            [['train.f32', info.trainJets * F * 4], ['val.f32', info.valJets * F * 4]],
            'the streamed run reads its batches from scratch files in runs/stream/.scratch',
          );
        streamed = await startTraining({ workspace: ws, name: 'stream', data: src, config, callbacks: { onStart } });
      } finally {
        await src.close();
      }
      // --in-memory on a file: the training rows held in memory, the test rows read again.
      const heldSrc = await openJets(file, { stream: false, blockRows: BLOCK });
      let held;
      try {
        // Only the validation rows (read in order once an epoch) go to scratch; the training rows are in memory.
        const onStart = (info: { valJets: number }) =>
          assert.deepEqual(
            fs.readdirSync(path.join(ws, 'runs', 'held', '.scratch')).map((f) => [f, fs.statSync(path.join(ws, 'runs', 'held', '.scratch', f)).size]),
            [['val.f32', info.valJets * F * 4]],
          );
        held = await startTraining({ workspace: ws, name: 'held', data: heldSrc, config, callbacks: { onStart } });
      } finally {
        await heldSrc.close();
      }
      assert.deepEqual(streamed.history.map((h) => [h.loss, h.val_loss, h.val_auc]), mem.history.map((h) => [h.loss, h.val_loss, h.val_auc]));
      assert.deepEqual(streamed.test, mem.test);
      assert.deepEqual(held.test, mem.test);
      const a = runFiles(ws, 'mem');
      for (const other of ['stream', 'held']) {
        const b = runFiles(ws, other);
        for (const f of Object.keys(a)) assert.ok(a[f].equals(b[f]), `${other}: ${f} differs`);
      }
      assert.equal(fs.existsSync(scratch), false, 'scratch folder deleted');
      assert.deepEqual(new Workspace(ws).list(), ['held', 'mem', 'stream']);
    });
  }

  it('scratch left by a streamed run killed with kill -9 is removed when the run is resumed', async () => {
    await writeJetsH5(file, { ...jets, weights });
    const ws = tmpDir();
    const scratch = path.join(ws, 'runs', 'killed', '.scratch');
    // The command line, killed once an epoch is checkpointed: its scratch files are then still on disk.
    const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const args = ['train', '--workspace', ws, '--name', 'killed', '--data', file, '--stream', '--block-rows', String(BLOCK), '--epochs', '500', '--hidden', '24,24', '--batch', '128'];
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
      const poll = setInterval(() => {
        if (fs.existsSync(path.join(ws, 'runs', 'killed', 'checkpoints', 'epoch-0001.bin'))) child.kill('SIGKILL');
      }, 25);
      child.on('exit', (code, sig) => {
        clearInterval(poll);
        if (sig) resolve(sig);
        else reject(new Error(`training ended by itself (code ${code}) before it could be killed:\n${stderr}`));
      });
    });
    assert.equal(signal, 'SIGKILL');
    const store = new Workspace(ws);
    assert.equal(store.status('killed').status, 'interrupted');
    assert.deepEqual(fs.readdirSync(scratch).sort(), ['train.f32', 'val.f32'], 'the killed process left its scratch files');
    assert.deepEqual(store.list(), ['killed'], 'the scratch folder is not listed as a run');
    // Resumed from memory, which writes no scratch files of its own: what remains would be the killed process's.
    const epochs = store.status('killed').epochs_done + 1;
    const resumed = await resumeTraining({ workspace: ws, name: 'killed', epochs, data: await readJetsH5(file) });
    assert.equal(resumed.status, 'complete');
    assert.equal(fs.existsSync(scratch), false, 'stale scratch removed');
  });

  it('any start or resume sweeps the scratch of runs no live process trains, and keeps that of a live one', async () => {
    const ws = tmpDir();
    const store = new Workspace(ws);
    // Stand-ins for runs trained elsewhere: "gone" says running, but by a process that has exited; "live"
    // is trained by this very process.
    const exited = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    const scratchOf = (name: string) => path.join(ws, 'runs', name, '.scratch');
    for (const [name, pid] of [['gone', exited], ['live', process.pid]] as const) {
      store.writeJson(name, 'config.json', {});
      store.writeStatus(name, { status: 'running', pid, host: os.hostname() });
      fs.mkdirSync(scratchOf(name));
      fs.writeFileSync(path.join(scratchOf(name), 'train.f32'), new Uint8Array(64));
    }
    assert.equal(store.status('gone').status, 'interrupted');
    assert.equal(store.status('live').status, 'running');
    await startTraining({ workspace: ws, name: 'new', data: generateJets({ jets: 400, seed: 3 }), config: { ...small, epochs: 1 } });
    assert.equal(fs.existsSync(scratchOf('gone')), false, 'the interrupted run\'s scratch is swept');
    assert.deepEqual(fs.readdirSync(scratchOf('live')), ['train.f32'], 'the live run\'s scratch is kept');
    assert.deepEqual(store.list(), ['gone', 'live', 'new']);
  });

  it('a streamed resume continues a run exactly as an uninterrupted one', async () => {
    await writeJetsH5(file, { ...jets, weights });
    const ws = tmpDir();
    const src = await openJets(file, { stream: true, blockRows: BLOCK });
    try {
      await startTraining({ workspace: ws, name: 'straight', data: src, config: small });
      await startTraining({ workspace: ws, name: 'split', data: src, config: { ...small, epochs: 1 } });
    } finally {
      await src.close();
    }
    // Without data: the stored spec is opened again, streamed.
    await resumeTraining({ workspace: ws, name: 'split', epochs: 2, open: { stream: true, blockRows: 300 } });
    const a = readBundle(path.join(ws, 'runs/straight/checkpoints/epoch-0002.bin'));
    const b = readBundle(path.join(ws, 'runs/split/checkpoints/epoch-0002.bin'));
    for (const k of Object.keys(a.arrays)) assert.deepEqual(Buffer.from(b.arrays[k].data.buffer), Buffer.from(a.arrays[k].data.buffer), `array ${k}`);
  });

  it('streamed evaluation gives the in-memory probabilities and report, on the test split and on other data', async () => {
    await writeJetsH5(file, { ...jets, weights });
    const ws = tmpDir();
    const whole = await readJetsH5(file);
    await startTraining({ workspace: ws, name: 'r', data: whole, config: { ...small, epochs: 1 } });
    const other = path.join(dir, 'other.h5');
    await writeJetsH5(other, generateJets({ jets: 20000, seed: 13 }));
    for (const f of [file, other]) {
      const mem = evaluateRun(ws, 'r', await readJetsH5(f));
      const src = await openJets(f, { stream: true, blockRows: BLOCK });
      try {
        const ev = await evaluateRunOnSource(ws, 'r', src);
        assert.equal(ev.split, f === file ? 'test' : 'all');
        assert.deepEqual(ev.rows, mem.rows);
        assert.deepEqual(bytes(ev.probs), bytes(mem.probs));
        assert.deepEqual(ev.report, mem.report);
      } finally {
        await src.close();
      }
    }
  });
});
