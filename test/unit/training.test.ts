import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { readBundle } from '../../main/engine/store/bundle.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { resumeTraining, startTraining } from '../../main/engine/train/run.ts';
import { evaluateRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { backend, tmpDir } from '../helpers.ts';

const small = { batchSize: 128, hidden: [32, 32], seed: 5 };

describe('training runs', () => {
  before(backend);
  const data = generateJets({ jets: 1500, seed: 3 });

  it('keeps the number of tensors flat across epochs and frees everything afterwards', async () => {
    const ws = tmpDir();
    const before = tf.memory().numTensors;
    const r = await startTraining({ workspace: ws, name: 'mem', data, config: { ...small, epochs: 4 } });
    const counts = r.history.map((h) => h.tensors);
    assert.equal(counts.length, 4);
    assert.ok(counts.every((c) => c === counts[0]), `tensors per epoch: ${counts.join(', ')}`);
    assert.equal(tf.memory().numTensors, before, 'no tensor left after the run');
  });

  it('a resumed run reproduces the uninterrupted run bit for bit', async () => {
    const ws = tmpDir();
    await startTraining({ workspace: ws, name: 'straight', data, config: { ...small, epochs: 4 } });
    await startTraining({ workspace: ws, name: 'split', data, config: { ...small, epochs: 2 } });
    const resumed = await resumeTraining({ workspace: ws, name: 'split', epochs: 4, data });
    assert.equal(resumed.epochs_done, 4);
    const a = readBundle(path.join(ws, 'runs/straight/checkpoints/epoch-0004.bin'));
    const b = readBundle(path.join(ws, 'runs/split/checkpoints/epoch-0004.bin'));
    for (const k of Object.keys(a.arrays)) {
      assert.deepEqual(Buffer.from(b.arrays[k].data.buffer), Buffer.from(a.arrays[k].data.buffer), `array ${k}`);
    }
    const h = JSON.parse(fs.readFileSync(path.join(ws, 'runs/split/history.json'), 'utf8'));
    assert.deepEqual(h.map((x: { epoch: number }) => x.epoch), [1, 2, 3, 4]);
  });

  it('stores config, split, standardisation and metrics; evaluation on the training data uses the test split', async () => {
    const ws = tmpDir();
    const r = await startTraining({ workspace: ws, name: 'full', data, config: { ...small, epochs: 2 } });
    const w = new Workspace(ws);
    const config = w.readJson<{ backend: string; data: { hash: string }; train: { seed: number } }>('full', 'config.json');
    assert.equal(config.backend, await backend());
    assert.equal(config.data.hash, data.source.hash);
    assert.equal(w.status('full').status, 'complete');
    const ev = evaluateRun(ws, 'full', data);
    assert.equal(ev.split, 'test');
    assert.equal(ev.rows.length, 300);
    assert.equal(ev.report.discriminants[0].auc, r.test!.discriminants[0].auc, 'same jets, same AUC as stored at the end of training');
    const other = generateJets({ jets: 400, seed: 99 });
    assert.equal(evaluateRun(ws, 'full', other).split, 'all');
    assert.equal(evaluateRun(ws, 'full', other).rows.length, 400);
  });

  it('reports a run whose process died as interrupted, never complete, and resumes it', async () => {
    const ws = tmpDir();
    await startTraining({ workspace: ws, name: 'crash', data, config: { ...small, epochs: 1 } });
    const w = new Workspace(ws);
    // What a killed process leaves: status "running" with a pid that no longer exists.
    w.writeStatus('crash', { status: 'running', pid: 2 ** 22 + 12345, epochs_target: 3 });
    assert.equal(w.status('crash').status, 'interrupted');
    const r = await resumeTraining({ workspace: ws, name: 'crash', epochs: 3, data });
    assert.equal(r.status, 'complete');
    assert.equal(w.status('crash').status, 'complete');
    assert.equal(w.status('crash').epochs_done, 3);
  });

  it('stops when asked and leaves the run interrupted', async () => {
    const ws = tmpDir();
    const abort = new AbortController();
    const r = await startTraining({
      workspace: ws, name: 'stop', data, config: { ...small, epochs: 5 },
      callbacks: { signal: abort.signal, onEpochEnd: (rec) => rec.epoch === 1 && abort.abort() },
    });
    assert.equal(r.status, 'interrupted');
    assert.equal(new Workspace(ws).status('stop').status, 'interrupted');
    assert.equal(r.epochs_done, 1);
  });

  it('refuses to overwrite a run and to resume on different data', async () => {
    const ws = tmpDir();
    await startTraining({ workspace: ws, name: 'once', data, config: { ...small, epochs: 1 } });
    await assert.rejects(startTraining({ workspace: ws, name: 'once', data, config: small }), /already exists/);
    await assert.rejects(resumeTraining({ workspace: ws, name: 'once', epochs: 2, data: generateJets({ jets: 1500, seed: 4 }) }), /differ from the data it was trained on/);
  });

  it('trains with the focal loss and with pT-eta reweighting', async () => {
    const ws = tmpDir();
    const r = await startTraining({ workspace: ws, name: 'focal', data, config: { ...small, epochs: 1, loss: { name: 'focal', gamma: 2 }, reweight: true } });
    assert.equal(r.status, 'complete');
    assert.ok(Number.isFinite(r.history[0].loss) && r.history[0].loss > 0);
  });
});

describe('models and optimiser free their tensors', () => {
  before(backend);
  it('creating, loading and disposing a model and Adam leaves no tensor behind', async () => {
    const { Mlp } = await import('../../main/engine/model/mlp.ts');
    const { Adam } = await import('../../main/engine/model/adam.ts');
    const before = tf.memory().numTensors;
    const m = new Mlp({ inputs: 5, outputs: 3, hidden: [4, 4], dropout: 0.1 }, 1);
    const adam = new Adam(m.variables);
    m.setWeights(m.getWeights());
    adam.setState(adam.getState());
    m.dispose();
    adam.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
