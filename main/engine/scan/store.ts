/**
 * A scan's folder in the workspace, scans/<name>/:
 *   scan.json            the definition (ScanDefinition) and its expanded tasks, written once
 *   state/<index>.json   each task's state, written atomically by the task process itself
 *   results/<index>.json each finished task's evaluation (robustness rows, curvature), written atomically
 *   submissions.json     every submission: executor, scheduler job id, task indices, files
 *   slurm/, htcondor/    generated batch files; logs/ the schedulers' output
 *   collect/             summary.json, summary.txt and figures from `tagscape scan collect`
 * Every file a task writes is its own (indexed), so tasks running at once on many nodes never collide.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanDefinition, type ExecutorName } from '../../../shared/scan-definition.ts';
import { readJson, writeJsonAtomic } from '../store/atomic.ts';
import type { Resources } from './profile.ts';
import { expandGrid, type ScanTask } from './grid.ts';

export interface ScanFile {
  definition: ScanDefinition;
  tasks: ScanTask[];
  created: string;
}

export interface TaskStateFile {
  index: number;
  run: string;
  state: 'running' | 'complete' | 'failed';
  /** How many times a process started this task. */
  attempt: number;
  host: string;
  pid: number;
  /** The scheduler's id of the process (SLURM `<job>_<task>`, HTCondor `<cluster>.<proc>`, local `pid`). */
  scheduler_id?: string;
  started: string;
  updated: string;
  error?: string;
}

export interface Submission {
  executor: ExecutorName;
  /** SLURM array job id, HTCondor cluster id; null for the local executor or a dry run. */
  job_id: string | null;
  indices: number[];
  submitted: string;
  /** The generated batch file and, for HTCondor, the task list file. */
  files: string[];
  /** The resources it asked for, which a resubmission reuses unless told otherwise. */
  resources?: Resources;
  dry_run?: boolean;
}

export class ScanStore {
  readonly dir: string;

  constructor(readonly workspace: string, readonly name: string) {
    ScanDefinition.shape.name.parse(name);
    this.dir = path.join(workspace, 'scans', name);
  }

  file(rel: string): string {
    return path.join(this.dir, rel);
  }

  exists(): boolean {
    return fs.existsSync(this.file('scan.json'));
  }

  read(): ScanFile {
    if (!this.exists()) {
      const known = listScans(this.workspace);
      throw new Error(`No scan "${this.name}" in workspace ${this.workspace}${known.length ? ` (scans: ${known.join(', ')})` : ''}; create it with \`tagscape scan create\`.`);
    }
    return readJson<ScanFile>(this.file('scan.json'));
  }

  /**
   * Create the scan, or accept the same definition again (idempotent). A different definition under an
   * existing name is refused: its tasks' indices and runs would no longer mean what they did.
   */
  create(input: unknown): ScanFile {
    const parsed = ScanDefinition.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`Invalid scan definition${i.path.length ? ` at ${i.path.join('.')}` : ''}: ${i.message}.`);
    }
    const definition = parsed.data;
    if (definition.name !== this.name) throw new Error(`The definition is named "${definition.name}", not "${this.name}".`);
    if (this.exists()) {
      const old = this.read();
      if (JSON.stringify(old.definition) !== JSON.stringify(definition)) {
        throw new Error(`Scan "${this.name}" already exists with another definition; choose another name or delete ${this.dir}.`);
      }
      return old;
    }
    const tasks = expandGrid(definition);
    const file: ScanFile = { definition, tasks, created: new Date().toISOString() };
    writeJsonAtomic(this.file('scan.json'), file);
    return file;
  }

  task(index: number): ScanTask {
    const { tasks } = this.read();
    if (!Number.isInteger(index) || index < 0 || index >= tasks.length) throw new Error(`Scan "${this.name}" has tasks 0 to ${tasks.length - 1}, not ${index}.`);
    return tasks[index];
  }

  state(index: number): TaskStateFile | null {
    const f = this.file(`state/${index}.json`);
    return fs.existsSync(f) ? readJson<TaskStateFile>(f) : null;
  }

  writeState(task: ScanTask, patch: Partial<TaskStateFile> & Pick<TaskStateFile, 'state'>): TaskStateFile {
    const now = new Date().toISOString();
    const prev = this.state(task.index);
    const next: TaskStateFile = {
      index: task.index, run: task.run, attempt: prev?.attempt ?? 0, host: os.hostname(), pid: process.pid, started: prev?.started ?? now, ...prev, ...patch, updated: now,
    };
    if (patch.state !== 'failed') delete next.error;
    writeJsonAtomic(this.file(`state/${task.index}.json`), next);
    return next;
  }

  result<T>(index: number): T | null {
    const f = this.file(`results/${index}.json`);
    return fs.existsSync(f) ? readJson<T>(f) : null;
  }

  writeResult(index: number, value: unknown): void {
    writeJsonAtomic(this.file(`results/${index}.json`), value);
  }

  submissions(): Submission[] {
    const f = this.file('submissions.json');
    return fs.existsSync(f) ? readJson<Submission[]>(f) : [];
  }

  /** Only the submitting process appends (a CLI call or the window), never a task. */
  addSubmission(s: Submission): void {
    writeJsonAtomic(this.file('submissions.json'), [...this.submissions(), s]);
  }
}

export function listScans(workspace: string): string[] {
  const dir = path.join(workspace, 'scans');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'scan.json'))).sort();
}
