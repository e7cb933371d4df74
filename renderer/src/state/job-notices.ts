/**
 * Which jobs just ended, for the window's notifications: a job seen queued or running in this window
 * that is now complete, failed or cancelled. Jobs that had already ended when the window (re)loaded are
 * never announced.
 */
import type { JobInfo } from '../../../shared/api/contract.ts';

export const ENDED = ['complete', 'failed', 'cancelled'] as const;

export function isEnded(status: JobInfo['status']): boolean {
  return (ENDED as readonly string[]).includes(status);
}

/** The jobs that ended since `seen` (job id -> last status), and `seen` updated in place. */
export function newlyEnded(seen: Map<string, JobInfo['status']>, jobs: readonly JobInfo[]): JobInfo[] {
  const ended: JobInfo[] = [];
  for (const j of jobs) {
    const before = seen.get(j.id);
    if (before !== undefined && !isEnded(before) && isEnded(j.status)) ended.push(j);
    seen.set(j.id, j.status);
  }
  return ended;
}

/** One line for a notification. */
export function endedText(job: JobInfo): string {
  if (job.status === 'complete') return `${job.label}: done.`;
  if (job.status === 'cancelled') return `${job.label}: cancelled.`;
  return `${job.label} failed: ${job.error ?? job.message}`;
}
