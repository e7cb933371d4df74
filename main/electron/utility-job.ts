/**
 * An Electron utility process presented as a job process, so the app's jobs go through the same
 * JobManager (queue, cancel, crash handling) as under plain Node. Electron is passed in, never imported:
 * the build test drives this adapter with a stand-in for utilityProcess.fork under plain Node.
 */
import os from 'node:os';
import type { ForkOptions, UtilityProcess } from 'electron';
import type { JobProcess } from '../jobs/job-manager.ts';
import type { JobMessage } from '../jobs/job-entry.ts';

export type UtilityFork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess;

/** The exit codes job-entry.ts uses itself: done, failed, cancelled. */
const OWN_EXIT_CODES = new Set([0, 1, 130]);

/**
 * Electron's 'exit' carries only a code, which on POSIX is the signal number (from waitpid) when the
 * process was killed. A job process exits only with its own codes, so any other code is read as a
 * signal: a job killed with kill -9 is reported as killed (SIGKILL), and is failed, never complete.
 */
function signalOf(code: number): NodeJS.Signals | null {
  if (OWN_EXIT_CODES.has(code)) return null;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === code)?.[0];
  return (name as NodeJS.Signals | undefined) ?? null;
}

export function utilityJobProcess(fork: UtilityFork, entry: string): JobProcess {
  // stdout is not read by anyone: ignore it rather than let a full pipe block the job.
  const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'Tagscape job' });
  // The job process exits only once its last message is acknowledged: a message still in flight when a
  // utility process exits can be dropped, and the job would lose its result or its error sentence.
  child.on('message', (m: JobMessage) => {
    if (m?.type === 'result' || m?.type === 'error') child.postMessage({ type: 'ack' });
  });
  return {
    send: (m) => child.postMessage(m),
    kill: () => void child.kill(),
    on: ((event: 'message' | 'close', listener: (...a: unknown[]) => void) => {
      if (event === 'message') child.on('message', (m) => listener(m));
      else child.on('exit', (code) => {
        const signal = signalOf(code);
        listener(signal ? null : code, signal);
      });
    }) as JobProcess['on'],
    stderr: child.stderr,
  };
}
