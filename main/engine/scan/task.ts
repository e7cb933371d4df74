/**
 * One task of a scan, as every executor runs it (`tagscape scan task`, or a job process in the window):
 * train the task's run, then evaluate it (robustness curves on its test split, optionally curvature) and
 * write the result. Idempotent: a complete run is not trained again, an interrupted one (killed, out of
 * time, cancelled) resumes from its last checkpoint, which reproduces the uninterrupted run bit for bit,
 * and a run that failed before its first checkpoint starts over. The state file says which step it is in.
 */
import fs from 'node:fs';
import os from 'node:os';
import { openJets } from '../data/open.ts';
import { loadWhole } from '../data/whole.ts';
import { curvature, type CurvatureResult } from '../landscape/curvature.ts';
import { robustnessScan, type ScanRow } from '../robustness/scan.ts';
import { processAlive, Workspace } from '../store/workspace.ts';
import { trainConfigFrom } from '../train/config.ts';
import { resumeTraining, startTraining, type RunConfig, type TrainCallbacks } from '../train/run.ts';
import { taskTrainOptions, type ScanTask } from './grid.ts';
import { ScanStore } from './store.ts';

export interface TaskResult {
  index: number;
  run: string;
  group: string;
  seed: number;
  epochs_done: number;
  /** The run's test-split AUCs (the same as the robustness rows at ε = 0). */
  test_auc: Record<string, number | null>;
  robustness: Array<Pick<ScanRow, 'attack' | 'eps' | 'jets' | 'split' | 'auc' | 'moved_fraction'>>;
  /** Without the per-jet values. */
  curvature: Omit<CurvatureResult, 'per_jet'> | null;
}

export interface RunTaskOptions {
  workspace: string;
  scan: string;
  index: number;
  /** The scheduler's id for this process, recorded in the state file. */
  schedulerId?: string;
  signal?: AbortSignal;
  onProgress?(message: string): void;
}

/** Train (or resume, or skip) the task's run; returns false when it was interrupted. */
async function train(store: ScanStore, task: ScanTask, callbacks: TrainCallbacks): Promise<boolean> {
  const ws = new Workspace(store.workspace);
  if (ws.exists(task.run)) {
    const status = ws.status(task.run);
    if (status.status === 'complete') return true;
    if (ws.checkpoints(task.run).length > 0) {
      const r = await resumeTraining({ workspace: store.workspace, name: task.run, open: { stream: 'auto' }, callbacks });
      return r.status === 'complete';
    }
  }
  // Nothing to continue from: whatever a failed start left is this task's own, and goes.
  fs.rmSync(ws.runDir(task.run), { recursive: true, force: true });
  const { definition } = store.read();
  const options = taskTrainOptions(definition, task);
  const data = await openJets(definition.data, { seed: task.seed, stream: 'auto' });
  try {
    const r = await startTraining({ workspace: store.workspace, name: task.run, data, config: trainConfigFrom(options), callbacks });
    return r.status === 'complete';
  } finally {
    await data.close();
  }
}

async function evaluate(store: ScanStore, task: ScanTask, onProgress?: (m: string) => void): Promise<TaskResult> {
  const { definition } = store.read();
  const ws = new Workspace(store.workspace);
  const config = ws.readJson<RunConfig>(task.run, 'config.json');
  // The run's own record of its data (synthetic specs carry their seed), so evaluation sees the jets it was trained on.
  const data = await loadWhole(config.data.spec, { seed: config.train.seed, map: config.data.mapping, purpose: 'a scan task\'s evaluation' });
  const ev = definition.evaluate;
  const scan = await robustnessScan({
    workspace: store.workspace, runs: [task.run], data, attacks: ev.attacks, eps: ev.eps,
    onProgress: (d, t, label) => onProgress?.(`evaluating ${label} (${d}/${t})`),
  });
  let curv: TaskResult['curvature'] = null;
  if (ev.curvature) {
    onProgress?.('curvature');
    const [{ per_jet: _perJet, ...rest }] = curvature({ workspace: store.workspace, runs: [task.run], data, jets: ev.curvature.jets, eps: ev.curvature.eps });
    curv = rest;
  }
  const clean = scan.results.find((r) => r.eps === 0);
  return {
    index: task.index, run: task.run, group: task.group, seed: task.seed, epochs_done: ws.status(task.run).epochs_done,
    test_auc: clean?.auc ?? Object.fromEntries(ws.readJson<{ discriminants: Array<{ name: string; auc: number | null }> }>(task.run, 'metrics.json').discriminants.map((d) => [d.name, d.auc])),
    robustness: scan.results.map(({ attack, eps, jets, split, auc, moved_fraction }) => ({ attack, eps, jets, split, auc, moved_fraction })),
    curvature: curv,
  };
}

/** Run one task to its end. Resolves 'complete' or 'interrupted'; throws (state: failed) on an error. */
export async function runScanTask(opts: RunTaskOptions): Promise<'complete' | 'interrupted'> {
  const store = new ScanStore(opts.workspace, opts.scan);
  const task = store.task(opts.index);
  const prev = store.state(task.index);
  // A second submission of a task that still runs here must not take over its run and state file.
  if (prev?.state === 'running' && prev.host === os.hostname() && prev.pid !== process.pid && processAlive(prev.pid)) {
    throw new Error(`Task ${task.index} of scan "${opts.scan}" is already running (process ${prev.pid} on ${prev.host}).`);
  }
  const attempt = (prev?.attempt ?? 0) + 1;
  store.writeState(task, { state: 'running', attempt, pid: process.pid, started: new Date().toISOString(), scheduler_id: opts.schedulerId });
  try {
    const log = opts.onProgress;
    const done = await train(store, task, {
      signal: opts.signal,
      onEpochEnd: (r) => log?.(`task ${task.index} (${task.run}): epoch ${r.epoch}, validation loss ${r.val_loss.toFixed(4)}`),
    });
    if (!done) {
      store.writeState(task, { state: 'failed', error: 'interrupted (cancelled, killed or out of time); resubmitting resumes it from its last checkpoint' });
      return 'interrupted';
    }
    const result = await evaluate(store, task, log);
    store.writeResult(task.index, result);
    store.writeState(task, { state: 'complete' });
    return 'complete';
  } catch (err) {
    store.writeState(task, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
