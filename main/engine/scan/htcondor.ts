/**
 * HTCondor executor: a submit description per submission that queues one job per line of a task list
 * (`queue index from tasks-<k>.txt`), so a resubmission lists only the tasks it sends. The workspace is
 * read and written in place (a shared file system such as AFS or EOS at CERN), hence no file transfer.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic.ts';
import { defaultCommand, splitCommand, taskArgs } from './command.ts';
import { memoryMB, RESOURCE_DEFAULTS, timeSeconds, type Resources } from './profile.ts';
import type { ScanStore } from './store.ts';

/**
 * One argument in HTCondor's "new" arguments syntax (the whole list in double quotes, arguments apart by
 * spaces): an argument with spaces or quotes goes in single quotes, a single quote inside is doubled, a
 * double quote is doubled.
 */
export function condorArg(word: string): string {
  const q = word.replace(/"/g, '""');
  return /[\s']/.test(word) || word === '' ? `'${q.replace(/'/g, "''")}'` : q;
}

export function condorSubmit(store: ScanStore, listFile: string, r: Resources): string {
  const [exe, ...pre] = r.command ? splitCommand(r.command) : defaultCommand();
  const args = [...pre, ...taskArgs(store.workspace, store.name, '__INDEX__', '__ID__')].map(condorArg)
    .map((a) => a.replace('__INDEX__', '$(index)').replace('__ID__', '$(ClusterId).$(ProcId)'));
  const time = r.time ?? RESOURCE_DEFAULTS.time;
  return [
    `# Tagscape scan "${store.name}": one job per task index listed in ${path.basename(listFile)}.`,
    'universe = vanilla',
    `executable = ${exe}`,
    `arguments = "${args.join(' ')}"`,
    `initialdir = ${store.dir}`,
    'output = logs/condor-$(ClusterId).$(ProcId).out',
    'error = logs/condor-$(ClusterId).$(ProcId).err',
    'log = logs/condor-$(ClusterId).log',
    `request_cpus = ${r.cpus ?? RESOURCE_DEFAULTS.cpus}`,
    `request_memory = ${memoryMB(r.memory)}`,
    // The wall-time limit as CERN's batch service reads it; other pools ignore an attribute they do not use.
    `+MaxRuntime = ${timeSeconds(time)}`,
    'should_transfer_files = NO',
    'getenv = False',
    // The compute kernels' threads stay within request_cpus (not the node's cores).
    `environment = "TAGSCAPE_THREADS=${r.cpus ?? RESOURCE_DEFAULTS.cpus}"`,
    ...(r.extra ?? []),
    `queue index from ${path.basename(listFile)}`,
    '',
  ].join('\n');
}

export interface CondorSubmitted {
  jobId: string;
  files: string[];
}

/** Write htcondor/submit-<k>.sub and its task list, and unless dry, condor_submit them. */
export function submitHtcondor(store: ScanStore, indices: number[], r: Resources, opts: { dryRun?: boolean } = {}): CondorSubmitted & { dryRun: boolean } {
  const k = store.submissions().length;
  const list = store.file(`htcondor/tasks-${k}.txt`);
  const sub = store.file(`htcondor/submit-${k}.sub`);
  writeFileAtomic(list, indices.map((i) => `${i}\n`).join(''));
  writeFileAtomic(sub, condorSubmit(store, list, r));
  writeFileAtomic(store.file('logs/.keep'), '');
  if (opts.dryRun) return { jobId: '', files: [sub, list], dryRun: true };
  // condor_submit resolves the task list relative to its working directory: the submit file's folder.
  const res = spawnSync('condor_submit', ['-terse', path.basename(sub)], { encoding: 'utf8', cwd: path.dirname(sub) });
  if (res.error) throw new Error(`condor_submit could not be run (${(res.error as NodeJS.ErrnoException).code ?? res.error.message}); submit ${sub} from a machine with HTCondor's tools (e.g. lxplus).`);
  if (res.status !== 0) throw new Error(`condor_submit refused the scan: ${(res.stderr || res.stdout).trim().split('\n').pop()} (${sub}).`);
  // -terse prints "<cluster>.<first proc> - <cluster>.<last proc>".
  const m = /^(\d+)\.\d+/.exec(res.stdout.trim());
  if (!m) throw new Error(`condor_submit answered "${res.stdout.trim()}", not a cluster id.`);
  return { jobId: m[1], files: [sub, list], dryRun: false };
}

/** HTCondor's JobStatus codes. */
const CONDOR_STATES: Record<string, string> = { 1: 'IDLE', 2: 'RUNNING', 3: 'REMOVED', 4: 'COMPLETED', 5: 'HELD', 6: 'TRANSFERRING', 7: 'SUSPENDED' };

/** Scan task index -> HTCondor state for jobs still in the queue; null when condor_q cannot be asked. */
export function condorQueue(submissions: Array<{ jobId: string; indices: number[] }>, env: NodeJS.ProcessEnv = process.env): Map<number, string> | null {
  const known = submissions.filter((s) => /^\d+$/.test(s.jobId));
  if (known.length === 0) return new Map();
  const res = spawnSync('condor_q', [...known.map((s) => s.jobId), '-af', 'ClusterId', 'ProcId', 'JobStatus'], { encoding: 'utf8', env });
  if (res.error || res.status !== 0) return null;
  const out = new Map<number, string>();
  for (const line of res.stdout.split('\n')) {
    const [cluster, proc, status] = line.trim().split(/\s+/);
    // Proc k ran the k-th line of its submission's task list.
    const index = known.find((s) => s.jobId === cluster)?.indices[Number(proc)];
    if (index !== undefined) out.set(index, CONDOR_STATES[status] ?? status);
  }
  return out;
}
