/**
 * SLURM executor: one `sbatch --array` per submission, whose array task ids are the scan's task indices
 * (so a resubmission of tasks 3 and 7 is `--array=3,7`), and the queue as squeue sees it. Accounting
 * (sacct) is often off; the workspace's task states say the rest (status.ts).
 */
import { spawnSync } from 'node:child_process';
import { writeFileAtomic } from '../store/atomic.ts';
import { defaultCommand, shellQuote, splitCommand, taskArgs } from './command.ts';
import { memoryMB, RESOURCE_DEFAULTS, type Resources } from './profile.ts';
import type { ScanStore } from './store.ts';

/** "0-3,7,9-10": SLURM's compact array form. */
export function arraySpec(indices: number[]): string {
  const s = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j === i ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function slurmScript(store: ScanStore, indices: number[], r: Resources): string {
  const command = r.command ? splitCommand(r.command) : defaultCommand();
  const extra = (r.extra ?? []).map((l) => (l.startsWith('#SBATCH') ? l : `#SBATCH ${l}`));
  const args = taskArgs(store.workspace, store.name, '__INDEX__', '__ID__').map(shellQuote)
    .map((a) => a.replace('__INDEX__', '"$SLURM_ARRAY_TASK_ID"').replace('__ID__', '"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"'));
  return [
    '#!/bin/bash',
    `# Tagscape scan "${store.name}": one array task per scan task (array index = task index).`,
    `#SBATCH --job-name=tagscape-${store.name}`,
    `#SBATCH --array=${arraySpec(indices)}${r.maxRunning ? `%${r.maxRunning}` : ''}`,
    `#SBATCH --cpus-per-task=${r.cpus ?? RESOURCE_DEFAULTS.cpus}`,
    `#SBATCH --mem=${memoryMB(r.memory)}M`,
    `#SBATCH --time=${r.time ?? RESOURCE_DEFAULTS.time}`,
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    ...(r.account ? [`#SBATCH --account=${r.account}`] : []),
    `#SBATCH --output=${store.file('logs')}/slurm-%A_%a.out`,
    // SIGTERM two minutes before the time limit reaches the task (B: the batch shell, which exec made the task
    // itself); it stops between batches and leaves its run resumable.
    '#SBATCH --signal=B:TERM@120',
    ...extra,
    'set -euo pipefail',
    // The compute kernels' threads stay within the CPUs the task was given (not the node's cores).
    'export TAGSCAPE_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${command.map(shellQuote).join(' ')} ${args.join(' ')}`,
    '',
  ].join('\n');
}

export interface SlurmSubmitted {
  jobId: string;
  script: string;
}

/** Write the script (slurm/submit-<k>.sh) and, unless dry, sbatch it. */
export function submitSlurm(store: ScanStore, indices: number[], r: Resources, opts: { dryRun?: boolean; env?: NodeJS.ProcessEnv } = {}): SlurmSubmitted & { dryRun: boolean } {
  const k = store.submissions().length;
  const script = store.file(`slurm/submit-${k}.sh`);
  writeFileAtomic(script, slurmScript(store, indices, r));
  writeFileAtomic(store.file('logs/.keep'), '');
  if (opts.dryRun) return { jobId: '', script, dryRun: true };
  const res = spawnSync('sbatch', ['--parsable', script], { encoding: 'utf8', env: opts.env ?? process.env });
  if (res.error) throw new Error(`sbatch could not be run (${(res.error as NodeJS.ErrnoException).code ?? res.error.message}); is SLURM's client installed here? The script is ${script}.`);
  if (res.status !== 0) throw new Error(`sbatch refused the scan: ${(res.stderr || res.stdout).trim().split('\n').pop()} (script ${script}).`);
  const jobId = res.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch answered "${res.stdout.trim()}", not a job id.`);
  return { jobId, script, dryRun: false };
}

/** Scan task index -> SLURM state (PENDING, RUNNING, ...) for the array jobs still known to squeue; null when squeue cannot be asked. */
export function slurmQueue(jobIds: string[], env: NodeJS.ProcessEnv = process.env): Map<number, string> | null {
  const ids = jobIds.filter((j) => /^\d+$/.test(j));
  if (ids.length === 0) return new Map();
  const res = spawnSync('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%F|%K|%T'], { encoding: 'utf8', env });
  if (res.error) return null;
  // An id squeue no longer knows is an error for it; others still print. Either way, unknown = not queued.
  if (res.status !== 0 && !/Invalid job id/i.test(res.stderr)) return null;
  const out = new Map<number, string>();
  for (const line of res.stdout.split('\n')) {
    const [, task, state] = line.trim().split('|');
    if (task !== undefined && /^\d+$/.test(task)) out.set(Number(task), state);
  }
  return out;
}

/**
 * `<job>_<task>` -> SLURM's final word (TIMEOUT, OUT_OF_MEMORY, CANCELLED, ...) from accounting, for jobs
 * squeue no longer lists; null when sacct cannot answer (often: accounting storage is off).
 */
export function slurmAccounting(jobIds: string[], env: NodeJS.ProcessEnv = process.env): Map<string, string> | null {
  const ids = jobIds.filter((j) => /^\d+$/.test(j));
  if (ids.length === 0) return new Map();
  const res = spawnSync('sacct', ['-n', '-P', '-X', '-j', ids.join(','), '-o', 'JobID,State'], { encoding: 'utf8', env });
  if (res.error || res.status !== 0) return null;
  const out = new Map<string, string>();
  for (const line of res.stdout.split('\n')) {
    const m = /^(\d+_\d+)\|(\S+)/.exec(line.trim());
    // "CANCELLED by 0" comes as one word plus its cause: the word is enough.
    if (m) out.set(m[1], m[2]);
  }
  return out;
}
