/**
 * An Electron utility process presented as a job process, so the app's jobs go through the same
 * JobManager (queue, cancel, crash handling) as under plain Node. Electron is passed in, never imported:
 * the build test drives this adapter with a stand-in for utilityProcess.fork under plain Node.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import type { ForkOptions, UtilityProcess } from 'electron';
import type { JobProcess } from '../jobs/job-manager.ts';
import type { JobMessage } from '../jobs/job-entry.ts';
import { ENGINE_NODE_FLAGS } from '../engine/node-flags.ts';

export type UtilityFork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess;

/** The exit codes job-entry.ts uses itself: done, failed, cancelled. */
const OWN_EXIT_CODES = new Set([0, 1, 130]);

/** The codes Node exits with on its own fatal errors (invalid option, internal failure, unsettled await...). */
const NODE_EXIT_CODES = new Set([3, 4, 5, 6, 7, 9, 10, 12, 13, 14]);

/** How long the last stderr lines may trail the exit: a process that left its stderr to another one is not waited for. */
const STDERR_GRACE_MS = 2000;

/**
 * Electron's 'exit' carries only a code, which on POSIX is the signal number (from waitpid) when the
 * process was killed, so the two overlap. A job process exits by itself only with its own codes, Node
 * with its codes for fatal errors: those are read as exit codes, and when such a code is also a signal's
 * number (9 is Node's "invalid argument" and SIGKILL, which the out-of-memory killer sends) both are
 * reported. Any other signal number can only be a kill: a job killed with SIGTERM or SIGSEGV is reported
 * as killed, and is failed, never complete.
 */
export function exitOf(code: number): { code: number | null; signal: NodeJS.Signals | null } {
  if (OWN_EXIT_CODES.has(code)) return { code, signal: null };
  const signal = (Object.entries(os.constants.signals).find(([, n]) => n === code)?.[0] ?? null) as NodeJS.Signals | null;
  if (!signal) return { code, signal: null };
  return { code: NODE_EXIT_CODES.has(code) ? code : null, signal };
}

export function utilityJobProcess(fork: UtilityFork, entry: string): JobProcess {
  // stdout is not read by anyone: ignore it rather than let a full pipe block the job.
  const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'Tagscape job', execArgv: [...ENGINE_NODE_FLAGS] });
  // The job process exits only once its last message is acknowledged: a message still in flight when a
  // utility process exits can be dropped, and the job would lose its result or its error sentence.
  child.on('message', (m: JobMessage) => {
    if (m?.type === 'result' || m?.type === 'error') child.postMessage({ type: 'ack' });
  });
  // Electron removes every listener of child.stderr once it has emitted 'exit', while the pipe may still
  // hold the last lines, often the reason for a crash. The manager reads a stream of ours instead, fed
  // from the pipe until it ends, and hears 'close' only after that stream has delivered everything.
  const pipe = child.stderr;
  const stderr = new PassThrough();
  const feed = (d: Buffer) => stderr.write(d);
  let pipeEnded = false;
  pipe?.on('data', feed).once('end', () => (pipeEnded = true));
  const drained = new Promise<void>((resolve) => {
    if (!pipe) return resolve();
    child.once('exit', () =>
      // Electron's cleanup runs right after the 'exit' listeners, before any microtask: listen again after it.
      queueMicrotask(() => {
        if (pipeEnded) return resolve();
        if (!pipe.listeners('data').includes(feed)) pipe.on('data', feed);
        const timer = setTimeout(resolve, STDERR_GRACE_MS);
        pipe.once('end', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    );
  });
  return {
    send: (m) => child.postMessage(m),
    kill: () => void child.kill(),
    on: ((event: 'message' | 'close', listener: (...a: unknown[]) => void) => {
      if (event === 'message') child.on('message', (m) => listener(m));
      else
        child.once('exit', (code) => {
          const { code: exitCode, signal } = exitOf(code);
          void drained.then(() => {
            stderr.once('end', () => listener(exitCode, signal));
            stderr.end();
            // Flows even when nobody reads it, so that 'end' comes.
            stderr.resume();
          });
        });
    }) as JobProcess['on'],
    stderr,
  };
}
