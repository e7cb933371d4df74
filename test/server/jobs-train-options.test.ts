/**
 * The Train job's settings beyond epochs and seed (loss, focal gamma, patience, reweighting, network,
 * optimiser): validated by the shared contract, then mapped into the run's config as `tagscape train`
 * maps its options.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import type { RunConfig } from '../../main/engine/train/run.ts';
import { tagscape } from '../cli/run-cli.ts';
import { tmpDir, waitForJob } from '../helpers.ts';

const base = { kind: 'train', name: 'focal', data: 'synthetic:800', epochs: 1, hidden: [16, 8], batchSize: 64 };

describe('a Train job\'s loss and training options', () => {
  it('records the focal loss with its gamma in config.json, exactly as `tagscape train --loss focal --focal-gamma` does', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const job = { ...base, loss: 'focal', focalGamma: 1.5, patience: 3, dropout: 0.2, learningRate: 0.002, reweight: true };
    const reply = await dispatch(createHandlers(ws, jobs), 'startJob', { job });
    assert.ok(reply.ok, !reply.ok ? reply.error : '');
    const done = await waitForJob(jobs, (reply.result as { job: JobInfo }).job.id);
    assert.equal(done.status, 'complete', done.error);
    const train = new Workspace(ws).readJson<RunConfig>('focal', 'config.json').train;
    assert.deepEqual(train.loss, { name: 'focal', gamma: 1.5 });
    assert.deepEqual([train.patience, train.dropout, train.learningRate, train.reweight, train.hidden], [3, 0.2, 0.002, true, [16, 8]]);

    const cliWs = tmpDir();
    const cli = tagscape('train', '--data', 'synthetic:800', '--workspace', cliWs, '--name', 'focal', '--epochs', '1', '--hidden', '16,8', '--batch', '64',
      '--loss', 'focal', '--focal-gamma', '1.5', '--patience', '3', '--dropout', '0.2', '--lr', '0.002', '--reweight', '--json');
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(train, new Workspace(cliWs).readJson<RunConfig>('focal', 'config.json').train, 'the job and the command line give the same training config');
  });

  it('refuses an unknown loss and a focal gamma out of range before any job starts', async () => {
    const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1 });
    const handlers = createHandlers(tmpDir(), jobs);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ loss: 'hinge' }, /^Invalid startJob request at job\.loss: /],
      [{ loss: 'focal', focalGamma: -0.5 }, /^Invalid startJob request at job\.focalGamma: /],
      [{ loss: 'focal', focalGamma: 51 }, /^Invalid startJob request at job\.focalGamma: /],
      [{ loss: 'focal', focalGamma: '2' }, /^Invalid startJob request at job\.focalGamma: /],
      [{ patience: 0 }, /^Invalid startJob request at job\.patience: /],
      [{ reweight: 'yes' }, /^Invalid startJob request at job\.reweight: /],
    ];
    for (const [extra, message] of cases) {
      const reply = await dispatch(handlers, 'startJob', { job: { ...base, ...extra } });
      assert.equal(reply.ok, false, JSON.stringify(extra));
      assert.match(!reply.ok ? reply.error : '', message);
    }
    assert.deepEqual(jobs.list(), [], 'nothing was started');
  });
});
