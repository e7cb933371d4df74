import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
import { JobManager, type JobProcess } from '../../main/jobs/job-manager.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { ROOT, tmpDir, waitForJob } from '../helpers.ts';

const small = { data: 'synthetic:800', hidden: [16], batchSize: 64 };

describe('job processes', () => {
  it('runs a training job in its own process and reports epochs', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const job = jobs.start({ kind: 'train', name: 'ok', epochs: 2, ...small });
    const done = await waitForJob(jobs, job.id);
    assert.equal(done.status, 'complete', done.error);
    assert.equal(new Workspace(ws).status('ok').status, 'complete');
  });

  it('a job process killed with SIGKILL fails its job, leaves the run interrupted, and the run resumes', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 2 });
    const crash = jobs.start({ kind: 'train', name: 'crash', epochs: 500, ...small });
    await waitForJob(jobs, crash.id, (j) => /epoch 2\//.test(j.message));
    const child = (jobs as unknown as { jobs: Map<string, { child?: { kill(s: string): void } }> }).jobs.get(crash.id)!.child!;
    child.kill('SIGKILL');
    const failed = await waitForJob(jobs, crash.id, (j) => j.status === 'failed');
    assert.match(failed.error!, /killed \(SIGKILL\)/);
    const store = new Workspace(ws);
    assert.equal(store.status('crash').status, 'interrupted');
    const resume = jobs.start({ kind: 'resume', name: 'crash', epochs: store.status('crash').epochs_done + 1 });
    assert.equal((await waitForJob(jobs, resume.id)).status, 'complete');
    assert.equal(store.status('crash').status, 'complete');
  });

  it('cancels a running job (run interrupted) and a queued one, and respects the concurrency limit', async () => {
    const ws = tmpDir();
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
    const a = jobs.start({ kind: 'train', name: 'a', epochs: 500, ...small });
    const b = jobs.start({ kind: 'train', name: 'b', epochs: 2, ...small });
    await waitForJob(jobs, a.id, (j) => /epoch 1\//.test(j.message));
    assert.equal(jobs.get(b.id).status, 'queued', 'one job at a time');
    jobs.cancel(b.id);
    assert.equal(jobs.get(b.id).status, 'cancelled');
    jobs.cancel(a.id);
    const cancelled = await waitForJob(jobs, a.id, (j) => j.status === 'cancelled');
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(new Workspace(ws).status('a').status, 'interrupted');
  });

  it('cancels a loss-surface job mid-surface: its process is ended by the signal, not left to finish', async () => {
    const ws = tmpDir();
    // The manager's own way of starting a job process, recording how each one ended.
    const ended = new Map<number, { code: number | null; signal: NodeJS.Signals | null }>();
    const spawn = (entry: string) => {
      const child = fork(entry, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      child.on('exit', (code, signal) => ended.set(child.pid!, { code, signal }));
      return child as unknown as JobProcess;
    };
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1, spawn });
    const data = 'synthetic:5000';
    const train = jobs.start({ kind: 'train', name: 'r', epochs: 1, data, hidden: [16], batchSize: 64 });
    assert.equal((await waitForJob(jobs, train.id)).status, 'complete');
    // 201 x 201 points for each of 1000 jets: far longer than a cancel takes.
    const surface = jobs.start({ kind: 'landscape', runs: ['r'], data, directions: ['random', 'random'], grid: 201, jets: 1000 });
    await waitForJob(jobs, surface.id, (j) => /^surface \d+%/.test(j.message) && j.progress < 1);
    const pid = (jobs as unknown as { jobs: Map<string, { child?: { pid?: number } }> }).jobs.get(surface.id)!.child!.pid!;
    jobs.cancel(surface.id);
    const cancelled = await waitForJob(jobs, surface.id, (j) => j.status === 'cancelled');
    assert.equal(cancelled.result, undefined);
    assert.deepEqual(ended.get(pid), { code: null, signal: 'SIGTERM' }, 'the job process was ended by the cancel, not after finishing the surface');
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the job process is gone');
  });

  it('a failing job reports the engine\'s sentence', async () => {
    const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1 });
    const j = jobs.start({ kind: 'train', name: 'bad', epochs: 1, data: '/nonexistent/jets.h5' });
    const done = await waitForJob(jobs, j.id, (x) => x.status === 'failed');
    assert.match(done.error!, /jets\.h5: no such file/);
  });
});
