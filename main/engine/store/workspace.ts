/**
 * The run store. A workspace is a folder; each run lives in runs/<name>/ with its full config, split,
 * standardisation, history, checkpoints, best weights and metrics, every file written atomically. While
 * a streamed run trains it also holds a .scratch folder (train/scratch.ts), which is not part of the run.
 *
 * Status: running | complete | failed | interrupted. A run whose status file says "running" but whose
 * process is gone (killed, crashed, machine rebooted) is reported as interrupted: never complete.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJson, writeJsonAtomic } from './atomic.ts';

export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';

export interface StatusFile {
  status: RunStatus;
  pid: number;
  host: string;
  started: string;
  updated: string;
  epochs_done: number;
  epochs_target: number;
  error?: string;
  stopped_early?: boolean;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkRunName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new Error(`Run name "${name}" is not allowed: use letters, digits, '.', '_' or '-' (up to 100 characters).`);
  }
}

export class Workspace {
  constructor(readonly root: string) {}

  runDir(name: string): string {
    checkRunName(name);
    return path.join(this.root, 'runs', name);
  }

  file(name: string, rel: string): string {
    return path.join(this.runDir(name), rel);
  }

  exists(name: string): boolean {
    return fs.existsSync(this.file(name, 'config.json'));
  }

  requireRun(name: string): void {
    if (!this.exists(name)) {
      const known = this.list();
      throw new Error(`No run "${name}" in workspace ${this.root}${known.length ? ` (runs: ${known.join(', ')})` : ' (it has no runs yet)'}.`);
    }
  }

  list(): string[] {
    const dir = path.join(this.root, 'runs');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((n) => NAME_RE.test(n) && fs.existsSync(path.join(dir, n, 'config.json')))
      .sort();
  }

  readJson<T>(name: string, rel: string): T {
    return readJson<T>(this.file(name, rel));
  }

  readJsonIfExists<T>(name: string, rel: string): T | null {
    const f = this.file(name, rel);
    return fs.existsSync(f) ? readJson<T>(f) : null;
  }

  writeJson(name: string, rel: string, value: unknown): void {
    writeJsonAtomic(this.file(name, rel), value);
  }

  writeStatus(name: string, patch: Partial<StatusFile>): StatusFile {
    const now = new Date().toISOString();
    const prev = this.readJsonIfExists<StatusFile>(name, 'status.json');
    const next: StatusFile = {
      status: 'running',
      pid: process.pid,
      host: os.hostname(),
      started: now,
      epochs_done: 0,
      epochs_target: 0,
      ...prev,
      ...patch,
      updated: now,
    };
    if (patch.status && patch.status !== 'failed') delete next.error;
    this.writeJson(name, 'status.json', next);
    return next;
  }

  /** The status as it really is: a "running" run whose process no longer exists is interrupted. */
  status(name: string): StatusFile {
    const s = this.readJsonIfExists<StatusFile>(name, 'status.json');
    if (!s) return { status: 'interrupted', pid: 0, host: '', started: '', updated: '', epochs_done: 0, epochs_target: 0 };
    if (s.status === 'running' && !(s.host === os.hostname() && processAlive(s.pid))) {
      return { ...s, status: 'interrupted' };
    }
    return s;
  }

  /** The run's tags (tags.json), [] when it has none. Tags are labels, kept out of config.json, which determines the run. */
  tags(name: string): string[] {
    const t = this.readJsonIfExists<unknown>(name, 'tags.json');
    return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  }

  /** Replace the run's tags (trimmed, duplicates and empty ones dropped, order kept); written atomically. */
  setTags(name: string, tags: string[]): string[] {
    this.requireRun(name);
    const clean = [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))];
    this.writeJson(name, 'tags.json', clean);
    return clean;
  }

  checkpoints(name: string): number[] {
    const dir = this.file(name, 'checkpoints');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .map((f) => /^epoch-(\d+)\.bin$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  checkpointFile(name: string, epoch: number): string {
    return this.file(name, path.join('checkpoints', `epoch-${String(epoch).padStart(4, '0')}.bin`));
  }
}

/** Whether a process of this machine exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
