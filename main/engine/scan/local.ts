/**
 * Local executor for the command line: each task is the same `tagscape scan task` call a batch system
 * makes, as a child process, at most cores − 1 at once. (The window runs tasks through its job manager
 * instead, which shares that limit with its other jobs.)
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { defaultCommand, splitCommand, taskArgs } from './command.ts';

export interface LocalRunOptions {
  workspace: string;
  scan: string;
  indices: number[];
  /** @default max(1, cores − 1) */
  maxConcurrent?: number;
  /** @default this node and bin/tagscape.js */
  command?: string;
  /** A task ended: its exit code and the last line it wrote to stderr. */
  onTaskEnd?(index: number, code: number | null, lastLine: string): void;
  onTaskStart?(index: number): void;
  signal?: AbortSignal;
}

export const LOCAL_MAX_CONCURRENT = Math.max(1, os.cpus().length - 1);

/** Run the tasks; resolves with each task's exit code once all have ended. */
export async function runLocal(o: LocalRunOptions): Promise<Map<number, number | null>> {
  const [exe, ...pre] = o.command ? splitCommand(o.command) : defaultCommand();
  const codes = new Map<number, number | null>();
  const queue = [...o.indices];
  const worker = async (): Promise<void> => {
    for (let index = queue.shift(); index !== undefined && !o.signal?.aborted; index = queue.shift()) {
      o.onTaskStart?.(index);
      const child = spawn(exe, [...pre, ...taskArgs(o.workspace, o.scan, String(index), `local-${process.pid}-${index}`)], {
        stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TAGSCAPE_DEBUG: '' },
      });
      const stop = () => child.kill('SIGTERM');
      o.signal?.addEventListener('abort', stop);
      let tail = '';
      child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
      const code = await new Promise<number | null>((resolve) => {
        child.on('error', () => resolve(-1));
        child.on('close', (c) => resolve(c));
      });
      o.signal?.removeEventListener('abort', stop);
      codes.set(index, code);
      o.onTaskEnd?.(index, code, tail.trim().split('\n').pop() ?? '');
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.maxConcurrent ?? LOCAL_MAX_CONCURRENT, queue.length) }, worker));
  return codes;
}
