import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { endedText, newlyEnded } from '../../renderer/src/state/job-notices.ts';
import { RECENT_MAX, withRecent } from '../../shared/recent.ts';

const job = (id: string, status: JobInfo['status'], extra: Partial<JobInfo> = {}): JobInfo => ({ id, kind: 'train', label: `train ${id}`, status, progress: 0, message: '', created: '2026-01-01T00:00:00Z', ...extra });

describe('the window\'s job notices', () => {
  it('announces a job once, when it is seen going from queued or running to an end', () => {
    const seen = new Map<string, JobInfo['status']>();
    assert.deepEqual(newlyEnded(seen, [job('job-1', 'complete'), job('job-2', 'running'), job('job-3', 'queued')]), [], 'jobs that ended before the window loaded are not announced');
    const ended = newlyEnded(seen, [job('job-1', 'complete'), job('job-2', 'complete'), job('job-3', 'failed', { error: 'out of memory' })]);
    assert.deepEqual(ended.map((j) => j.id), ['job-2', 'job-3']);
    assert.deepEqual(newlyEnded(seen, [job('job-2', 'complete')]), [], 'once');
    assert.equal(endedText(ended[0]), 'train job-2: done.');
    assert.equal(endedText(ended[1]), 'train job-3 failed: out of memory');
  });
});

describe('recently opened data files', () => {
  it('puts the newest first, once, keeps at most RECENT_MAX, and leaves synthetic sets out', () => {
    let list: string[] = [];
    for (let k = 0; k < RECENT_MAX + 2; k++) list = withRecent(list, `/d/f${k}.h5`);
    assert.equal(list.length, RECENT_MAX);
    assert.equal(list[0], `/d/f${RECENT_MAX + 1}.h5`);
    list = withRecent(list, '/d/f5.h5');
    assert.equal(list[0], '/d/f5.h5');
    assert.equal(list.filter((f) => f === '/d/f5.h5').length, 1);
    assert.deepEqual(withRecent(list, 'synthetic:1000'), list);
  });
});

describe('the first-launch study', async () => {
  const { firstStudyJobs, nextPhase, FIRST_STUDY } = await import('../../shared/first-study.ts');
  const { JobSpec } = await import('../../shared/api/contract.ts');
  const state = (phase: 'training' | 'analysis', ids: string[]) => ({ phase, training: phase === 'training' ? ids : ['job-1', 'job-2'], analysis: phase === 'analysis' ? ids : [], error: '', evaluated: false });

  it('asks for jobs the server accepts: two taggers on the embedded jets, then a scan and a surface of both', () => {
    const { training, analysis } = firstStudyJobs();
    for (const j of [...training, ...analysis]) assert.ok(JobSpec.safeParse(j).success, JSON.stringify(j));
    assert.deepEqual(training.map((j) => j.kind === 'train' && [j.name, j.data, j.adversarial?.attack ?? 'none']), [['nominal', FIRST_STUDY.data, 'none'], ['adversarial', FIRST_STUDY.data, 'fgsm']]);
    assert.deepEqual(analysis.map((j) => j.kind), ['robustness', 'landscape']);
  });

  it('moves on only when every job of a step is complete, and stops with the failed job\'s sentence', () => {
    const s = state('training', ['job-1', 'job-2']);
    assert.equal(nextPhase(s, [job('job-1', 'complete'), job('job-2', 'running')]).phase, 'training');
    assert.equal(nextPhase(s, [job('job-1', 'complete')]).phase, 'training', 'a job not heard of yet is still starting');
    assert.equal(nextPhase(s, [job('job-1', 'complete'), job('job-2', 'complete')]).phase, 'analysis');
    const failed = nextPhase(s, [job('job-1', 'complete'), job('job-2', 'failed', { error: 'disk full' })]);
    assert.deepEqual(failed, { phase: 'failed', error: 'train job-2 failed: disk full' });
    assert.equal(nextPhase(state('analysis', ['job-3', 'job-4']), [job('job-3', 'complete'), job('job-4', 'complete')]).phase, 'done');
  });
});
