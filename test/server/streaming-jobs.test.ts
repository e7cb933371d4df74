import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { readJetsH5, writeJetsH5 } from '../../main/engine/data/h5.ts';
import { evaluateRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { readBundle } from '../../main/engine/store/bundle.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { backend, jobEnded, tmpDir, waitForJob } from '../helpers.ts';

const runFile = (ws: string, run: string, file: string) => fs.readFileSync(path.join(ws, 'runs', run, file));

describe('streaming in job processes and the server', () => {
  before(backend);
  const dir = tmpDir('tagscape-stream-jobs-');
  const file = path.join(dir, 'jets.h5');
  const jets = generateJets({ jets: 3000, seed: 21 });
  const F = jets.schema.features.length;
  const small = { data: file, epochs: 2, hidden: [16], batchSize: 128, seed: 3 };
  const ws = tmpDir();

  it('a train job streamed from an HDF5 file makes the in-memory job\'s run bit for bit, and a streamed resume continues it exactly', { timeout: 300_000 }, async () => {
    await writeJetsH5(file, jets);
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 2 });
    const memMessages: string[] = [];
    const streamMessages: string[] = [];
    const mem = waitForJob(jobs, jobs.start({ kind: 'train', name: 'mem', stream: false, ...small }).id, jobEnded, memMessages);
    const streamed = waitForJob(jobs, jobs.start({ kind: 'train', name: 'stream', stream: true, ...small }).id, jobEnded, streamMessages);
    const half = waitForJob(jobs, jobs.start({ kind: 'train', name: 'half', stream: true, ...small, epochs: 1 }).id);
    for (const j of await Promise.all([mem, streamed, half])) assert.equal(j.status, 'complete', j.error);

    assert.ok(streamMessages.some((m) => /^3000 jets \(1 MB of inputs\) streamed from disk$/.test(m)), streamMessages.join(' | '));
    assert.ok(memMessages.some((m) => /^3000 jets \(1 MB of inputs\) read from disk, what is read at random held in memory$/.test(m)), memMessages.join(' | '));
    assert.ok(!memMessages.some((m) => /streamed/.test(m)), 'the in-memory job holds its training rows instead of streaming them');
    const [a, b] = [(await mem).result, (await streamed).result] as Array<{ history: Array<Record<string, number>>; test: unknown }>;
    assert.deepEqual(b.history.map((h) => [h.loss, h.val_loss, h.val_auc]), a.history.map((h) => [h.loss, h.val_loss, h.val_auc]));
    assert.deepEqual(b.test, a.test);
    for (const f of ['model.bin', 'split.bin', 'preprocess.json', 'metrics.json']) assert.ok(runFile(ws, 'stream', f).equals(runFile(ws, 'mem', f)), `${f} differs`);

    const resumed = await waitForJob(jobs, jobs.start({ kind: 'resume', name: 'half', epochs: 2, stream: true }).id);
    assert.equal(resumed.status, 'complete', resumed.error);
    const x = readBundle(path.join(ws, 'runs/mem/checkpoints/epoch-0002.bin'));
    const y = readBundle(path.join(ws, 'runs/half/checkpoints/epoch-0002.bin'));
    for (const k of Object.keys(x.arrays)) assert.ok(Buffer.from(y.arrays[k].data.buffer).equals(Buffer.from(x.arrays[k].data.buffer)), `checkpoint array ${k}`);
  });

  it('Evaluate streams a file it has not cached and gives the in-memory report; a damaged block is one sentence', async () => {
    const handlers = createHandlers(ws, {} as JobManager, { open: { stream: true, blockRows: 500 } });
    const mem = evaluateRun(ws, 'mem', await readJetsH5(file));
    const r = await dispatch(handlers, 'evaluate', { run: 'mem', data: file });
    assert.ok(r.ok, r.ok ? '' : r.error);
    const result = r.result as { split: string; jets: number; report: unknown };
    assert.equal(result.split, 'test');
    assert.equal(result.jets, mem.report.jets);
    assert.deepEqual(result.report, mem.report);

    // Only a block-wise read names the block: a whole load says "1 feature entries are NaN".
    const bad = path.join(dir, 'bad.h5');
    const features = jets.features.slice();
    features[2700 * F + 5] = NaN;
    await writeJetsH5(bad, { ...jets, features });
    const refused = await dispatch(handlers, 'evaluate', { run: 'mem', data: bad });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error, /bad\.h5: 1 feature entries among jets 2500\.\.2999 are NaN or infinite \(first: jet 2700, /);
  });

  it('data too large to hold whole is refused in one sentence by a robustness job and by the Data page', { timeout: 120_000 }, async () => {
    // 2e9 generated jets would be 536 GB: refused from the spec alone, before anything is allocated.
    const huge = 'synthetic:2000000000';
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const job = await waitForJob(jobs, jobs.start({ kind: 'robustness', runs: ['mem'], data: huge, attacks: ['fgsm'], eps: [0.01] }).id);
    assert.equal(job.status, 'failed');
    assert.match(job.error!, /^synthetic:2000000000: a robustness scan needs every jet in memory, and these 536\.0 GB of generated jets are more than the [\d.]+ [GM]B a whole load may take on this machine \(an eighth of its memory\); use a file with fewer jets/);
    const r = await dispatch(createHandlers(ws, {} as JobManager), 'dataSummary', { data: huge });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /^synthetic:2000000000: this view needs every jet in memory/);
  });
});
