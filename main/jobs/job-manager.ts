/**
 * Runs jobs in their own processes so a crash costs one job, never the app: a queue with a concurrency
 * limit (default cores - 1), progress events to every listener, cancel, and a clear failure when a job
 * process dies (even kill -9). A training run whose process died is left "interrupted" by the run store's
 * liveness check and can be resumed. Jobs belong to the manager, not to a window, so they outlive reloads.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobInfo, JobSpec } from '../../shared/api/contract.ts';
import { ENGINE_NODE_FLAGS } from '../engine/node-flags.ts';
import type { JobMessage } from './job-entry.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = path.join(ROOT, 'main', 'jobs', 'job-entry.ts');

/** What the manager needs of a job process: child_process.fork gives it as is, Electron's utilityProcess through an adapter. */
export interface JobProcess {
  send(message: unknown): void;
  kill(signal?: NodeJS.Signals): void;
  on(event: 'message', listener: (m: JobMessage) => void): void;
  /** After the last message and stderr chunk. Both code and signal when the process's exit code may also be a signal's number (Electron). */
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  stderr?: NodeJS.ReadableStream | null;
}

export interface JobManagerOptions {
  workspace: string;
  /** @default max(1, cores - 1) */
  maxConcurrent?: number;
  /** How a job process is started; the Electron shell passes a utilityProcess adapter. @default child_process.fork with tsx */
  spawn?: (entry: string) => JobProcess;
}

interface Job {
  info: JobInfo;
  spec: JobSpec;
  child?: JobProcess;
  cancelled?: boolean;
}

function label(spec: JobSpec): string {
  switch (spec.kind) {
    case 'train':
      return `train ${spec.name}${spec.adversarial ? ` (${spec.adversarial.attack} eps ${spec.adversarial.eps})` : ''}, ${spec.epochs} epochs`;
    case 'resume':
      return `resume ${spec.name} to ${spec.epochs} epochs`;
    case 'robustness':
      return `robustness ${spec.runs.join(', ')}: ${spec.attacks.join(', ')}`;
    case 'landscape':
      return `loss surface ${spec.runs.join(', ')} along ${spec.directions.join(' x ')}`;
    case 'scanTask':
      return `scan ${spec.scan}, task ${spec.index}`;
  }
}

/** What ended a job process that gave no sentence of its own: the last stderr line says why when it exited. */
function ending(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const last = stderr ? `: ${stderr.trim().split('\n').pop()}` : '';
  if (signal && code !== null) return `the job process exited with code ${code} or was killed (${signal})${last}`;
  if (signal) return `the job process was killed (${signal})`;
  return `the job process exited with code ${code}${last}`;
}

export class JobManager extends EventEmitter {
  private readonly jobs = new Map<string, Job>();
  private counter = 0;
  readonly maxConcurrent: number;

  constructor(private readonly options: JobManagerOptions) {
    super();
    this.maxConcurrent = options.maxConcurrent ?? Math.max(1, os.cpus().length - 1);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  get(id: string): JobInfo {
    const j = this.jobs.get(id);
    if (!j) throw new Error(`There is no job ${id}.`);
    return { ...j.info };
  }

  start(spec: JobSpec): JobInfo {
    const id = `job-${++this.counter}`;
    const job: Job = { spec, info: { id, kind: spec.kind, label: label(spec), status: 'queued', progress: 0, message: 'waiting for a free slot', created: new Date().toISOString() } };
    this.jobs.set(id, job);
    this.changed(job);
    this.pump();
    return { ...job.info };
  }

  cancel(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`There is no job ${id}.`);
    if (job.info.status === 'queued') {
      job.info = { ...job.info, status: 'cancelled', message: 'cancelled before it started' };
      this.changed(job);
    } else if (job.info.status === 'running') {
      job.cancelled = true;
      job.child?.kill('SIGTERM');
    }
    return { ...job.info };
  }

  /** Stop every job process (app shutdown). Training runs are left interrupted and resumable. */
  shutdown(): void {
    for (const j of this.jobs.values()) if (j.info.status === 'running') j.child?.kill('SIGTERM');
  }

  private running(): number {
    return [...this.jobs.values()].filter((j) => j.info.status === 'running').length;
  }

  private pump(): void {
    for (const job of this.jobs.values()) {
      if (this.running() >= this.maxConcurrent) return;
      if (job.info.status === 'queued') this.launch(job);
    }
  }

  private launch(job: Job): void {
    const child: JobProcess = this.options.spawn
      ? this.options.spawn(ENTRY)
      : (fork(ENTRY, [], { cwd: ROOT, execArgv: [...ENGINE_NODE_FLAGS, '--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }) as unknown as JobProcess);
    job.child = child;
    job.info = { ...job.info, status: 'running', message: 'starting' };
    this.changed(job);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let errorMessage: string | undefined;
    let result: unknown;
    child.on('message', (m: JobMessage) => {
      if (m.type === 'progress') {
        job.info = { ...job.info, progress: Number.isFinite(m.progress) ? m.progress : job.info.progress, message: m.message };
        this.changed(job);
      } else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') errorMessage = m.error;
    });
    // 'close', not 'exit': it comes after the last IPC message and stderr chunk.
    child.on('close', (code, signal) => {
      if (job.cancelled) {
        const training = job.spec.kind === 'train' || job.spec.kind === 'resume' || job.spec.kind === 'scanTask';
        job.info = { ...job.info, status: 'cancelled', message: training ? 'cancelled; the run is left interrupted and can be resumed' : 'cancelled' };
      } else if (code === 0) {
        job.info = { ...job.info, status: 'complete', progress: 1, message: 'done', result };
      } else {
        const why = errorMessage ?? ending(code, signal, stderr);
        job.info = { ...job.info, status: 'failed', message: why, error: why };
      }
      job.child = undefined;
      this.changed(job);
      this.pump();
    });
    child.send({ spec: job.spec, workspace: this.options.workspace });
  }

  private changed(job: Job): void {
    this.emit('job', { ...job.info });
  }
}
