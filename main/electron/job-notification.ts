/**
 * Whether a job that ended deserves a system notification: only when the window is not focused (else the
 * window's own toast says it) and the job ran long enough that the user may have turned to something else.
 */
import type { JobInfo } from '../../shared/api/contract.ts';

/** Jobs shorter than this end while the user is still watching. */
export const LONG_JOB_MS = 30_000;

export function jobEndNotification(job: JobInfo, windowFocused: boolean, nowMs: number, minMs = LONG_JOB_MS): { title: string; body: string } | null {
  if (windowFocused || !['complete', 'failed'].includes(job.status)) return null;
  const started = Date.parse(job.created);
  if (!Number.isFinite(started) || nowMs - started < minMs) return null;
  const minutes = Math.max(1, Math.round((nowMs - started) / 60_000));
  return job.status === 'complete'
    ? { title: 'Tagscape: job done', body: `${job.label} finished after about ${minutes} min.` }
    : { title: 'Tagscape: job failed', body: `${job.label}: ${job.error ?? job.message}` };
}
