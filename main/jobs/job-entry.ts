/**
 * A job process: runs one engine job and reports progress to its parent over IPC. Under Electron it is
 * started as a utilityProcess, under plain Node with child_process.fork; the protocol is the same.
 * SIGTERM (cancel) stops training between batches and leaves the run "interrupted" and resumable; any
 * other job (a robustness scan, a loss surface) has nothing to keep and is ended by it at once.
 * As in the command line, a job loads only its own engine modules and runs without source maps, which
 * keeps a training job streaming 1M jets near the memory of `tagscape train --stream`.
 */
import { engineInfo } from '../engine/engine-info.ts';
import type { JobSpec } from '../../shared/api/contract.ts';

export type JobMessage =
  | { type: 'progress'; progress: number; message: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: string };

/** Electron's utility processes talk through process.parentPort, forked Node processes through process.send. */
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; once(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;

/** Resolves once a forked process's message has left it: a disconnect right after a send drops a large one (a robustness result). */
function send(m: JobMessage): Promise<void> {
  if (parentPort) parentPort.postMessage(m);
  else if (process.send) return new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  return Promise.resolve();
}

export async function runJob(spec: JobSpec, workspace: string, signal: AbortSignal): Promise<unknown> {
  const backend = await engineInfo();
  send({ type: 'progress', progress: 0, message: `backend ${backend.name}` });
  send({ type: 'progress', progress: 0, message: `kernels ${backend.kernels?.path}` });
  switch (spec.kind) {
    case 'train':
    case 'resume': {
      const [{ openJets, streamingNote }, { resumeTraining, startTraining }, { trainConfigFrom }, { checkPresetData, withPreset }] = await Promise.all([
        import('../engine/data/open.ts'),
        import('../engine/train/run.ts'),
        import('../engine/train/config.ts'),
        import('../engine/train/preset.ts'),
      ]);
      const callbacks = {
        signal,
        onBatchEnd: (p: { epoch: number; batch: number; batches: number; loss: number }) => {
          if (p.batch % 10 === 0 || p.batch === p.batches) send({ type: 'progress', progress: NaN, message: `epoch ${p.epoch}: batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}` });
        },
        onEpochEnd: (r: { epoch: number; val_loss: number; val_auc: number | null }) =>
          send({ type: 'progress', progress: r.epoch / spec.epochs, message: `epoch ${r.epoch}/${spec.epochs}: validation loss ${r.val_loss.toFixed(4)}, AUC ${r.val_auc?.toFixed(4) ?? 'n/a'}` }),
      };
      // As the command line: large .h5/.parquet files (above STREAM_THRESHOLD_BYTES of inputs) are streamed from disk, unless the spec says.
      const stream = spec.stream ?? 'auto';
      if (spec.kind === 'resume') return resumeTraining({ workspace, name: spec.name, epochs: spec.epochs, open: { stream }, callbacks });
      const { kind: _kind, name, data, stream: _stream, preset, ...options } = spec;
      const jets = await openJets(data, { seed: spec.seed, stream });
      // Said in the job's message when the jets are read from disk a block at a time (the CLI says it on stderr).
      const streamed = streamingNote(jets);
      if (streamed) send({ type: 'progress', progress: NaN, message: streamed });
      try {
        checkPresetData(preset, jets.schema);
        return await startTraining({ workspace, name, data: jets, config: trainConfigFrom(withPreset(preset, options)), callbacks });
      } finally {
        await jets.close();
      }
    }
    case 'robustness': {
      const [{ openForRows }, { robustnessScan }] = await Promise.all([import('../engine/data/whole.ts'), import('../engine/robustness/scan.ts')]);
      const data = await openForRows(spec.data, { purpose: 'a robustness scan' });
      try {
        return await robustnessScan({ workspace, runs: spec.runs, data, attacks: spec.attacks, eps: spec.eps, shifts: spec.shifts, onProgress: (d, t, label) => send({ type: 'progress', progress: d / t, message: label }) });
      } finally {
        await data.close();
      }
    }
    case 'landscape': {
      const [{ openForRows }, { computeLandscape, needsAllJets }] = await Promise.all([import('../engine/data/whole.ts'), import('../engine/landscape/run-landscape.ts')]);
      const data = await openForRows(spec.data, { purpose: 'a loss surface', whole: needsAllJets(spec.directions) });
      try {
        return await computeLandscape({ workspace, ...spec, data, onProgress: (f) => send({ type: 'progress', progress: f, message: `surface ${(100 * f).toFixed(0)}%` }) });
      } finally {
        await data.close();
      }
    }
    case 'scanTask': {
      // The same call as `tagscape scan task`: train (or resume) the task's run, evaluate it, write its result.
      const { runScanTask } = await import('../engine/scan/task.ts');
      const state = await runScanTask({ workspace, scan: spec.scan, index: spec.index, schedulerId: `job-process-${process.pid}`, signal, onProgress: (message) => send({ type: 'progress', progress: NaN, message }) });
      return { scan: spec.scan, index: spec.index, state };
    }
  }
}

// Entry point when run as a job process: the parent sends {spec, workspace} once.
function onStart(listener: (m: { spec: JobSpec; workspace: string }) => void): void {
  if (parentPort) parentPort.once('message', (e) => listener(e.data as { spec: JobSpec; workspace: string }));
  else process.once('message', listener);
}

if (process.send || parentPort) {
  // Source maps (turned on by tsx) keep every loaded module's map in memory; errors travel as one sentence.
  if (!process.env.TAGSCAPE_DEBUG) process.setSourceMapsEnabled(false);
  const abort = new AbortController();
  onStart((m) => {
    // Only training listens for SIGTERM: a listener replaces Node's default, which ends the process at
    // once, even inside a long computation that never returns to the event loop.
    if (m.spec.kind === 'train' || m.spec.kind === 'resume' || m.spec.kind === 'scanTask') process.on('SIGTERM', () => abort.abort());
    runJob(m.spec, m.workspace, abort.signal)
      .then(async (result) => {
        await send({ type: 'result', result: summarise(result) });
        process.exitCode = abort.signal.aborted ? 130 : 0;
      })
      .catch(async (err: unknown) => {
        await send({ type: 'error', error: err instanceof Error ? err.message : String(err) });
        process.exitCode = 1;
      })
      .finally(() => {
        if (!parentPort) return process.disconnect?.();
        // A utility process never ends by itself, and one that exits at once can drop a message still in
        // flight: exit when the parent acknowledges the last one (utility-job.ts), or after 5 s without.
        parentPort.once('message', () => process.exit());
        setTimeout(() => process.exit(), 5000);
      });
  });
}

/** Results travel over IPC: keep what the window shows, not megabytes of per-jet vectors. */
function summarise(result: unknown): unknown {
  if (result && typeof result === 'object' && 'directions' in result) {
    const { directions: _d, ...rest } = result as Record<string, unknown>;
    return rest;
  }
  return result;
}
