/**
 * Submitting a scan's tasks to an executor, and resubmitting only what needs it. Every submission is
 * recorded in submissions.json (executor, job id, indices), which is how status knows whom to ask.
 * Submitting is idempotent: complete, queued and running tasks are never sent again.
 */
import type { ExecutorName } from '../../../shared/scan-definition.ts';
import { submitHtcondor } from './htcondor.ts';
import type { Resources } from './profile.ts';
import { submitSlurm } from './slurm.ts';
import { scanStatus, type StatusOptions } from './status.ts';
import type { ScanStore, Submission } from './store.ts';

export interface SubmitOptions extends StatusOptions {
  executor: Exclude<ExecutorName, 'local'>;
  resources?: Resources;
  /** Write the batch files without handing them to the scheduler. */
  dryRun?: boolean;
  /** Only these task indices (still skipping complete, queued and running ones). @default every task that needs running */
  only?: number[];
}

/** The tasks a (re)submission sends: unsubmitted, failed and missing ones, optionally within `only`. */
export function tasksToSend(store: ScanStore, opts: StatusOptions & { only?: number[] } = {}): number[] {
  const status = scanStatus(store, opts);
  return status.tasks
    .filter((t) => t.state === 'unsubmitted' || t.state === 'failed' || t.state === 'missing')
    // A held HTCondor job is still in the queue: sending it again would run the task twice.
    .filter((t) => t.scheduler_state !== 'HELD')
    .filter((t) => !opts.only || opts.only.includes(t.index))
    .map((t) => t.index);
}

/** Submit to SLURM or HTCondor; returns null when there was nothing to send. */
export function submitBatch(store: ScanStore, opts: SubmitOptions): Submission | null {
  const indices = tasksToSend(store, opts);
  if (indices.length === 0) return null;
  const r = opts.resources ?? {};
  const done = opts.executor === 'slurm'
    ? (({ jobId, script, dryRun }) => ({ jobId, files: [script], dryRun }))(submitSlurm(store, indices, r, { dryRun: opts.dryRun, env: opts.env }))
    : submitHtcondor(store, indices, r, { dryRun: opts.dryRun });
  const sub: Submission = { executor: opts.executor, job_id: done.dryRun ? null : done.jobId, indices, submitted: new Date().toISOString(), files: done.files, resources: r, ...(done.dryRun ? { dry_run: true } : {}) };
  store.addSubmission(sub);
  return sub;
}

/** Record a local submission (the tasks then run as child processes or window jobs). */
export function recordLocal(store: ScanStore, indices: number[]): Submission {
  const sub: Submission = { executor: 'local', job_id: null, indices, submitted: new Date().toISOString(), files: [] };
  store.addSubmission(sub);
  return sub;
}
