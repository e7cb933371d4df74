/**
 * Each task's state, from the scheduler where it can be asked and from the workspace otherwise:
 *   complete     the task wrote its result (and said so in its state file)
 *   running      its process runs: the scheduler says so, or it is a live process on this machine
 *   queued       the scheduler holds it, not yet started
 *   failed       it ended without a result: an error (in `error`), or it was killed, cancelled or ran
 *                out of time (its state file says running, but neither scheduler nor machine has it)
 *   missing      submitted, never started, and no longer queued (cancelled while pending, lost)
 *   unsubmitted  never submitted
 * Where SLURM accounting answers (sacct), a failed or missing task also gets SLURM's word for its end.
 * Reading a state never changes anything, so status is idempotent; resubmit sends failed and missing tasks.
 */
import os from 'node:os';
import type { TaskState } from '../../../shared/scan-definition.ts';
import { processAlive } from '../store/workspace.ts';
import { condorQueue } from './htcondor.ts';
import { slurmAccounting, slurmQueue } from './slurm.ts';
import type { ScanTask } from './grid.ts';
import type { ScanStore, Submission } from './store.ts';

export interface TaskStatus {
  index: number;
  run: string;
  group: string;
  seed: number;
  state: TaskState;
  /** Where the state came from. */
  source: 'workspace' | 'scheduler' | 'process';
  /** The scheduler's word, e.g. PENDING or RUNNING, when it was asked. */
  scheduler_state?: string;
  executor?: Submission['executor'];
  job_id?: string | null;
  attempt: number;
  error?: string;
  updated?: string;
}

export interface ScanStatus {
  scan: string;
  tasks: TaskStatus[];
  counts: Record<TaskState, number>;
  /** Schedulers that could not be asked (their tasks' states come from the workspace alone). */
  unreachable: string[];
}


export interface StatusOptions {
  /** Environment for the scheduler's tools (SLURM_CONF, PATH). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Tasks the caller knows to be queued or running (the window's job manager). */
  live?: Map<number, 'queued' | 'running'>;
}

export function scanStatus(store: ScanStore, opts: StatusOptions = {}): ScanStatus {
  const { tasks } = store.read();
  const subs = store.submissions().filter((s) => !s.dry_run);
  // The latest submission of each task decides which scheduler to ask about it.
  const latest = new Map<number, Submission>();
  for (const s of subs) for (const i of s.indices) latest.set(i, s);
  const unreachable: string[] = [];
  const slurmJobs = subs.filter((s) => s.executor === 'slurm' && s.job_id).map((s) => s.job_id!);
  const slurm = slurmJobs.length ? slurmQueue(slurmJobs, opts.env) : new Map<number, string>();
  if (!slurm) unreachable.push('slurm (squeue)');
  const condorSubs = subs.filter((s) => s.executor === 'htcondor' && s.job_id).map((s) => ({ jobId: s.job_id!, indices: s.indices }));
  const condor = condorSubs.length ? condorQueue(condorSubs, opts.env) : new Map<number, string>();
  if (!condor) unreachable.push('htcondor (condor_q)');
  const statuses = tasks.map((t) => taskStatus(store, t, latest.get(t.index), { slurm, condor, live: opts.live }));
  explainEnded(statuses, opts.env);
  const counts = Object.fromEntries(['unsubmitted', 'queued', 'running', 'complete', 'failed', 'missing'].map((s) => [s, statuses.filter((x) => x.state === s).length])) as Record<TaskState, number>;
  return { scan: store.name, tasks: statuses, counts, unreachable };
}

/** SLURM states that mean the scheduler ended the task. */
const SLURM_ENDED = /^(FAILED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|PREEMPTED|DEADLINE|CANCELLED|COMPLETED)$/;

/**
 * Where SLURM accounting answers (sacct), say why a task that left the queue without a result ended:
 * out of memory, out of time, cancelled. A task cancelled before it started stays missing.
 */
function explainEnded(statuses: TaskStatus[], env?: NodeJS.ProcessEnv): void {
  const ended = statuses.filter((t) => t.executor === 'slurm' && t.job_id && (t.state === 'failed' || t.state === 'missing'));
  if (ended.length === 0) return;
  const acct = slurmAccounting([...new Set(ended.map((t) => t.job_id!))], env);
  for (const t of ended) {
    const word = acct?.get(`${t.job_id}_${t.index}`);
    if (!word || !SLURM_ENDED.test(word)) continue;
    t.scheduler_state = word;
    t.source = 'scheduler';
    if (t.state === 'missing' && word === 'CANCELLED') continue;
    t.state = 'failed';
    t.error = `SLURM ended it: ${word}${word === 'TIMEOUT' ? ' (raise --time, or resubmit: it resumes from its last checkpoint)' : word === 'OUT_OF_MEMORY' ? ' (raise --memory)' : ''}${t.error ? `; ${t.error}` : ''}`;
  }
}

function taskStatus(
  store: ScanStore, task: ScanTask, sub: Submission | undefined,
  q: { slurm: Map<number, string> | null; condor: Map<number, string> | null; live?: Map<number, 'queued' | 'running'> },
): TaskStatus {
  const file = store.state(task.index);
  const base = { index: task.index, run: task.run, group: task.group, seed: task.seed, executor: sub?.executor, job_id: sub?.job_id, attempt: file?.attempt ?? 0, updated: file?.updated };
  if (file?.state === 'complete' && store.result(task.index)) return { ...base, state: 'complete', source: 'workspace' };
  // null: the scheduler could not be asked. Local tasks have no queue but the caller's live jobs.
  const queue = sub?.executor === 'slurm' ? q.slurm : sub?.executor === 'htcondor' ? q.condor : new Map<number, string>();
  const word = queue?.get(task.index);
  if (word) {
    const running = /^(RUNNING|COMPLETING|CONFIGURING|TRANSFERRING|SUSPENDED)$/.test(word);
    const stuck = /^(HELD|REMOVED)$/.test(word);
    return { ...base, state: stuck ? 'failed' : running ? 'running' : 'queued', source: 'scheduler', scheduler_state: word, ...(stuck ? { error: word === 'HELD' ? 'HTCondor holds it (condor_q -hold says why); condor_release it, or condor_rm it and resubmit' : `HTCondor says ${word}` } : {}) };
  }
  const live = q.live?.get(task.index);
  if (live) return { ...base, state: live, source: 'process' };
  if (file?.state === 'running') {
    // Asked the machine, the scheduler had no word: the process that wrote "running" is gone.
    const here = file.host === os.hostname();
    if (here && processAlive(file.pid)) return { ...base, state: 'running', source: 'process' };
    const unknown = !here && queue === null;
    return unknown
      ? { ...base, state: 'running', source: 'workspace' }
      : { ...base, state: 'failed', source: 'workspace', error: 'the task process ended without finishing (killed, cancelled or out of time)' };
  }
  if (file?.state === 'failed' || file?.state === 'complete') return { ...base, state: 'failed', source: 'workspace', error: file.error ?? 'no result file' };
  if (!sub) return { ...base, state: 'unsubmitted', source: 'workspace' };
  // Submitted but never started: a scheduler that cannot be asked may still hold it.
  if (queue === null) return { ...base, state: 'queued', source: 'workspace' };
  return { ...base, state: 'missing', source: sub.executor === 'local' ? 'workspace' : 'scheduler' };
}
