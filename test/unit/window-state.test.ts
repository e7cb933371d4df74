import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { endedText, newlyEnded } from '../../renderer/src/state/job-notices.ts';
import { RECENT_MAX, withRecent } from '../../renderer/src/state/data-source.ts';

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
