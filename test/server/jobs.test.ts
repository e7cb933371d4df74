import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { tmpDir } from '../helpers.ts';

function waitFor(jobs: JobManager, id: string, pred: (j: JobInfo) => boolean, timeoutMs = 120_000): Promise<JobInfo> {
  return new Promise((resolve, reject) => {
    const check = (j: JobInfo) => {
      if (j.id === id && pred(j)) {
        jobs.off('job', check);
        clearTimeout(timer);
        resolve(j);
      }
    };
    const timer = setTimeout(() => reject(new Error(`job ${id} did not reach the expected state`)), timeoutMs);
    jobs.on('job', check);
    check(jobs.get(id));
  });
}

const small = { data: 'synthetic:800', hidden: [16], batchSize: 64 };

describe('job processes', () => {
  it('runs a training job in its own process and reports epochs', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const job = jobs.start({ kind: 'train', name: 'ok', epochs: 2, ...small });
    const done = await waitFor(jobs, job.id, (j) => ['complete', 'failed'].includes(j.status));
    assert.equal(done.status, 'complete', done.error);
    assert.equal(new Workspace(ws).status('ok').status, 'complete');
  });

  it('a job process killed with SIGKILL fails its job, leaves the run interrupted, and the run resumes', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 2 });
    const crash = jobs.start({ kind: 'train', name: 'crash', epochs: 500, ...small });
    await waitFor(jobs, crash.id, (j) => /epoch 2\//.test(j.message));
    const child = (jobs as unknown as { jobs: Map<string, { child?: { kill(s: string): void } }> }).jobs.get(crash.id)!.child!;
    child.kill('SIGKILL');
    const failed = await waitFor(jobs, crash.id, (j) => j.status === 'failed');
    assert.match(failed.error!, /killed \(SIGKILL\)/);
    const store = new Workspace(ws);
    assert.equal(store.status('crash').status, 'interrupted');
    const resume = jobs.start({ kind: 'resume', name: 'crash', epochs: store.status('crash').epochs_done + 1 });
    assert.equal((await waitFor(jobs, resume.id, (j) => ['complete', 'failed'].includes(j.status))).status, 'complete');
    assert.equal(store.status('crash').status, 'complete');
  });

  it('cancels a running job (run interrupted) and a queued one, and respects the concurrency limit', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const a = jobs.start({ kind: 'train', name: 'a', epochs: 500, ...small });
    const b = jobs.start({ kind: 'train', name: 'b', epochs: 2, ...small });
    await waitFor(jobs, a.id, (j) => /epoch 1\//.test(j.message));
    assert.equal(jobs.get(b.id).status, 'queued', 'one job at a time');
    jobs.cancel(b.id);
    assert.equal(jobs.get(b.id).status, 'cancelled');
    jobs.cancel(a.id);
    const cancelled = await waitFor(jobs, a.id, (j) => j.status === 'cancelled');
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(new Workspace(ws).status('a').status, 'interrupted');
  });

  it('a failing job reports the engine\'s sentence', async () => {
    const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1 });
    const j = jobs.start({ kind: 'train', name: 'bad', epochs: 1, data: '/nonexistent/jets.h5' });
    const done = await waitFor(jobs, j.id, (x) => x.status === 'failed');
    assert.match(done.error!, /jets\.h5: no such file/);
  });
});
