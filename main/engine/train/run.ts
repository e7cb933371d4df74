/**
 * Training runs in the store: a new run writes its config, split and standardisation, then trains with
 * a checkpoint every epoch; a resumed run reloads exactly that state and continues to the new total.
 * The same function serves the CLI, job processes and tests. The jets come loaded whole or as a source
 * streamed from disk (data/open.ts); both give the same run, bit for bit. A streamed run keeps scratch
 * files in its own folder while it trains (rows.ts, scratch.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { activeBackend } from '../backend.ts';
import { kernelPath } from '../fast/kernels.ts';
import type { JetDataset } from '../data/dataset.ts';
import { openJets, type OpenOptions } from '../data/open.ts';
import { asSource, type JetSource } from '../data/source.ts';
import { predictSourceRows } from '../evaluate/predict-source.ts';
import { evaluatePredictions, type EvaluationReport } from '../metrics/evaluate.ts';
import { Adam } from '../model/adam.ts';
import { Mlp, type MlpConfig } from '../model/mlp.ts';
import { loadModelArrays, modelArrays } from '../model/serialize.ts';
import { balanceClasses, ptEtaBinning, ptEtaWeightsFromCells } from '../preprocess/reweight.ts';
import { makeSplit, rowsOf, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '../preprocess/split.ts';
import { StandardizerFit, type Standardizer } from '../preprocess/standardize.ts';
import { Rng } from '../rng.ts';
import { readBundle, writeBundle } from '../store/bundle.ts';
import { Workspace, type StatusFile } from '../store/workspace.ts';
import { TAGSCAPE_VERSION } from '../version.ts';
import { DEFAULT_TRAIN_CONFIG, validateTrainConfig, type TrainConfig } from './config.ts';
import { freshLoopState, trainLoop, type BatchProgress, type EpochRecord, type LoopState, type SplitRows } from './loop.ts';
import { splitStores, type RowStore, type SplitStores } from './rows.ts';
import { scratchDir, sweepScratch } from './scratch.ts';
import { gather } from '../data/gather.ts';
import { collectGarbage } from '../node-flags.ts';

export interface RunConfig {
  tagscape_version: string;
  name: string;
  created: string;
  backend: string;
  /** The kernels that trained the run (absent in runs from before the SIMD kernels: tfjs). */
  kernels?: 'simd' | 'tfjs';
  schema: string;
  features: string[];
  classes: string[];
  /** `mapping`: the mapping file a table was read through, so a resume reads it the same way. */
  data: { spec: string; hash: string; kind: string; jets: number; mapping?: string };
  train: TrainConfig;
  model: MlpConfig;
}

export interface TrainCallbacks {
  onStart?(info: { name: string; resumedFrom: number; epochs: number; trainJets: number; valJets: number; testJets: number; backend: string }): void;
  onBatchEnd?(p: BatchProgress): void;
  onEpochEnd?(rec: EpochRecord): void;
  signal?: AbortSignal;
}

export interface TrainResult {
  name: string;
  status: StatusFile['status'];
  backend: string;
  epochs_done: number;
  best_epoch: number;
  stopped_early: boolean;
  history: EpochRecord[];
  /** Evaluation of the best weights on the held-out test split. */
  test: EvaluationReport | null;
}

export interface StartOptions {
  workspace: string;
  name: string;
  /** Jets loaded whole, or a source streamed from disk (data/open.ts; the caller closes it). */
  data: JetDataset | JetSource;
  config?: Partial<TrainConfig>;
  callbacks?: TrainCallbacks;
}

export interface ResumeOptions {
  workspace: string;
  name: string;
  /** New total number of epochs. */
  epochs?: number;
  /** The data; opened from the run's stored spec when omitted. Must hash-match the training data. */
  data?: JetDataset | JetSource;
  /** How to open the data from the stored spec when `data` is omitted (see data/open.ts). */
  open?: Pick<OpenOptions, 'stream' | 'blockRows'>;
  callbacks?: TrainCallbacks;
}

interface Prepared {
  ws: Workspace;
  config: RunConfig;
  src: JetSource;
  split: Uint8Array;
  standardizer: Standardizer;
  stores: SplitStores;
}

/** Rows read per block when a fit pass goes over the training rows. */
const FIT_ROWS = 8192;

/** The standardisation of the training rows, in two passes over the row store in row order. */
function fitOnRows(src: JetSource, rows: RowStore): Standardizer {
  const F = src.schema.features.length;
  const fit = new StandardizerFit(src.schema);
  const block = new Float32Array(Math.min(rows.count, FIT_ROWS) * F);
  for (const pass of [fit.first, fit.second]) {
    for (let s = 0; s < rows.count; s += FIT_ROWS) {
      const e = Math.min(rows.count, s + FIT_ROWS);
      const b = block.subarray(0, (e - s) * F);
      rows.range(s, e, b);
      for (let k = 0; k < e - s; k++) pass.call(fit, b, k * F);
    }
  }
  return fit.result();
}

function splitRows(p: Prepared, which: number, weights: Float32Array | null): SplitRows {
  const rows = rowsOf(p.split, which);
  return {
    rows: which === SPLIT_TRAIN ? p.stores.train : p.stores.val,
    y: gather(p.src.labels, rows),
    w: weights && gather(weights, rows),
  };
}

/** Every jet's loss weight, or null when all are 1 (unweighted data, no reweighting or balancing). */
function jetWeights(p: Prepared): Float32Array | null {
  const { src, split, stores } = p;
  const C = src.schema.classes.length;
  const w = stores.reweight
    ? ptEtaWeightsFromCells(stores.reweight.binning, stores.reweight.cells, src.labels, C, rowsOf(split, SPLIT_TRAIN), src.weights)
    : src.weights ?? null;
  // A run stored before this setting existed has none: off.
  return p.config.train.balanceFlavours ? balanceClasses(w, src.labels, C, rowsOf(split, SPLIT_TRAIN)) : w;
}

function prepareStores(src: JetSource, split: Uint8Array, train: TrainConfig, scratch: string): Promise<SplitStores> {
  return splitStores(src, split, { scratchDir: scratch, binning: train.reweight ? ptEtaBinning(src.schema) : undefined });
}

export async function startTraining(opts: StartOptions): Promise<TrainResult> {
  const ws = new Workspace(opts.workspace);
  if (ws.exists(opts.name)) {
    throw new Error(`A run named "${opts.name}" already exists in ${opts.workspace}; use --resume to continue it or choose another --name.`);
  }
  const train: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...opts.config, loss: { ...DEFAULT_TRAIN_CONFIG.loss, ...opts.config?.loss } };
  validateTrainConfig(train);
  const data = asSource(opts.data);
  if (data.n < 10) throw new Error(`Training needs at least 10 jets; the data has ${data.n}.`);
  const split = makeSplit(data.n, { seed: train.seed, fractions: train.splitFractions });
  sweepScratch(ws, opts.name);
  let stores: SplitStores | undefined;
  try {
    stores = await prepareStores(data, split, train, scratchDir(ws, opts.name));
    const standardizer = fitOnRows(data, stores.train);
    return await startRun(ws, opts, train, { data, split, standardizer, stores });
  } finally {
    stores?.dispose();
    // A start that failed before its config.json was written leaves no folder that is not a run.
    if (!ws.exists(opts.name)) fs.rmSync(ws.runDir(opts.name), { recursive: true, force: true });
  }
}

async function startRun(
  ws: Workspace,
  opts: StartOptions,
  train: TrainConfig,
  { data, split, standardizer, stores }: { data: JetSource; split: Uint8Array; standardizer: Standardizer; stores: SplitStores },
): Promise<TrainResult> {
  const config: RunConfig = {
    tagscape_version: TAGSCAPE_VERSION,
    name: opts.name,
    created: new Date().toISOString(),
    backend: activeBackend(),
    kernels: kernelPath(),
    schema: data.schema.name,
    features: data.schema.features.map((f) => f.name),
    classes: data.schema.classes,
    data: { spec: data.source.spec, hash: data.source.hash, kind: data.source.kind, jets: data.n, ...(data.source.mapping ? { mapping: data.source.mapping } : {}) },
    train,
    model: { inputs: data.schema.features.length, outputs: data.schema.classes.length, hidden: train.hidden, dropout: train.dropout },
  };
  ws.writeStatus(opts.name, { status: 'running', pid: process.pid, epochs_done: 0, epochs_target: train.epochs, started: new Date().toISOString() });
  ws.writeJson(opts.name, 'preprocess.json', { standardizer, default_policy: 'defaults excluded from mean/std; mapped one sigma beyond the observed range' });
  writeBundle(ws.file(opts.name, 'split.bin'), { arrays: { split: { data: split, shape: [data.n] } }, meta: { seed: train.seed, fractions: train.splitFractions, codes: { train: SPLIT_TRAIN, val: SPLIT_VAL, test: SPLIT_TEST } } });
  ws.writeJson(opts.name, 'history.json', []);
  // config.json last: its presence is what makes the folder a run.
  ws.writeJson(opts.name, 'config.json', config);
  return runLoop({ ws, config, src: data, split, standardizer, stores }, null, opts.callbacks ?? {});
}

export async function resumeTraining(opts: ResumeOptions): Promise<TrainResult> {
  const ws = new Workspace(opts.workspace);
  ws.requireRun(opts.name);
  const config = ws.readJson<RunConfig>(opts.name, 'config.json');
  const status = ws.status(opts.name);
  if (status.status === 'running') throw new Error(`Run "${opts.name}" is still being trained by process ${status.pid}; wait for it or stop it first.`);
  const epochs = opts.epochs ?? config.train.epochs;
  const done = ws.checkpoints(opts.name);
  const last = done.length ? done[done.length - 1] : 0;
  if (epochs < last) throw new Error(`Run "${opts.name}" already has ${last} epochs; --epochs ${epochs} would go backwards.`);
  const opened = opts.data ? null : await openJets(config.data.spec, { ...opts.open, seed: config.train.seed, map: config.data.mapping });
  const data = opened ?? asSource(opts.data!);
  try {
    if (data.source.hash !== config.data.hash) {
      throw new Error(`The data given to resume "${opts.name}" differ from the data it was trained on (${config.data.spec}); resume with the same file.`);
    }
    const split = readBundle(ws.file(opts.name, 'split.bin')).arrays.split.data as Uint8Array;
    const { standardizer } = ws.readJson<{ standardizer: Standardizer }>(opts.name, 'preprocess.json');
    // Running from here on, scratch copy included: no other process sweeps its scratch or deletes it.
    ws.writeStatus(opts.name, { status: 'running', pid: process.pid, host: os.hostname(), epochs_target: epochs });
    let stores: SplitStores;
    try {
      config.train = { ...config.train, epochs };
      ws.writeJson(opts.name, 'config.json', config);
      sweepScratch(ws, opts.name);
      stores = await prepareStores(data, split, config.train, scratchDir(ws, opts.name));
    } catch (err) {
      ws.writeStatus(opts.name, { status: 'failed', error: (err as Error).message });
      throw err;
    }
    try {
      return await runLoop({ ws, config, src: data, split, standardizer, stores }, last, opts.callbacks ?? {});
    } finally {
      stores.dispose();
    }
  } finally {
    await opened?.close();
  }
}

async function runLoop(p: Prepared, resumeEpoch: number | null, cb: TrainCallbacks): Promise<TrainResult> {
  const { ws, config } = p;
  const name = config.name;
  const train = config.train;
  const weights = jetWeights(p);
  const trainSet = splitRows(p, SPLIT_TRAIN, weights);
  const valSet = splitRows(p, SPLIT_VAL, weights);
  const testRows = rowsOf(p.split, SPLIT_TEST);
  const scaling = { schema: p.src.schema, standardizer: p.standardizer };
  const model = new Mlp(config.model, train.seed);
  const adam = new Adam(model.variables);
  let state: LoopState = freshLoopState(train.seed);
  let history = ws.readJsonIfExists<EpochRecord[]>(name, 'history.json') ?? [];
  try {
    if (resumeEpoch) {
      const ck = readBundle(ws.checkpointFile(name, resumeEpoch));
      loadModelArrays(model, ck.arrays);
      const meta = ck.meta as { adam_step: number; rng: number[]; best_val_loss: number; best_epoch: number; bad_epochs: number };
      adam.setState({
        step: meta.adam_step,
        m: model.variables.map((_, i) => ck.arrays[`m${i}`].data as Float32Array),
        v: model.variables.map((_, i) => ck.arrays[`v${i}`].data as Float32Array),
      });
      // A run that stopped early and is asked for more epochs gets a fresh patience window.
      const stoppedEarly = ws.status(name).stopped_early === true;
      state = { epoch: resumeEpoch, rng: Rng.fromState(meta.rng), bestValLoss: meta.best_val_loss ?? Infinity, bestEpoch: meta.best_epoch, badEpochs: stoppedEarly ? 0 : meta.bad_epochs };
      history = history.filter((h) => h.epoch <= resumeEpoch);
    }
    cb.onStart?.({
      name, resumedFrom: resumeEpoch ?? 0, epochs: train.epochs, trainJets: trainSet.y.length, valJets: valSet.y.length,
      testJets: testRows.length, backend: activeBackend(),
    });
    // The pass over the file and the split's row lists left buffers behind: collect them before the epochs run.
    collectGarbage();
    const outcome = await trainLoop(model, adam, scaling, trainSet, valSet, train, state, {
      onBatchEnd: cb.onBatchEnd,
      signal: cb.signal,
      onEpoch: (rec, st, improved) => {
        if (!Number.isFinite(rec.val_loss) || !Number.isFinite(rec.loss)) {
          throw new Error(`Training diverged at epoch ${st.epoch} (loss ${rec.loss}, validation loss ${rec.val_loss}); lower --lr or check the inputs.`);
        }
        // Order matters for a kill at any point: best weights and history first, the checkpoint (which
        // records them as done) last, so a resume never trusts weights that were not written.
        if (improved) writeBundle(ws.file(name, 'model.bin'), { arrays: modelArrays(model), meta: { epoch: st.epoch, val_loss: rec.val_loss } });
        history.push(rec);
        ws.writeJson(name, 'history.json', history);
        const adamState = adam.getState();
        const arrays = modelArrays(model);
        adamState.m.forEach((m, i) => (arrays[`m${i}`] = { data: m, shape: [m.length] }));
        adamState.v.forEach((v, i) => (arrays[`v${i}`] = { data: v, shape: [v.length] }));
        writeBundle(ws.checkpointFile(name, st.epoch), {
          arrays,
          meta: { epoch: st.epoch, adam_step: adamState.step, rng: st.rng.state(), best_val_loss: st.bestValLoss, best_epoch: st.bestEpoch, bad_epochs: st.badEpochs },
        });
        ws.writeStatus(name, { epochs_done: st.epoch });
        cb.onEpochEnd?.(rec);
      },
    });
    if (outcome === 'aborted') {
      ws.writeStatus(name, { status: 'interrupted', epochs_done: state.epoch });
      return { name, status: 'interrupted', backend: activeBackend(), epochs_done: state.epoch, best_epoch: state.bestEpoch, stopped_early: false, history, test: null };
    }
    // The training and validation rows are done with: held ones go before the test jets are read.
    p.stores.dispose();
    collectGarbage();
    // Evaluate the best weights on the held-out test split and store the metrics with the run.
    loadModelArrays(model, readBundle(ws.file(name, 'model.bin')).arrays);
    let test: EvaluationReport | null = null;
    if (testRows.length > 0) {
      const { src } = p;
      const probs = await predictSourceRows(model, p.standardizer, src, testRows);
      const labels = gather(src.labels, testRows);
      test = evaluatePredictions(src.schema, probs, labels, src.weights ? gather(src.weights, testRows) : undefined);
      ws.writeJson(name, 'metrics.json', { split: 'test', best_epoch: state.bestEpoch, ...test });
    }
    const stoppedEarly = outcome === 'early-stopped';
    ws.writeStatus(name, { status: 'complete', epochs_done: state.epoch, stopped_early: stoppedEarly });
    return { name, status: 'complete', backend: activeBackend(), epochs_done: state.epoch, best_epoch: state.bestEpoch, stopped_early: stoppedEarly, history, test };
  } catch (err) {
    ws.writeStatus(name, { status: 'failed', error: (err as Error).message });
    throw err;
  } finally {
    model.dispose();
    adam.dispose();
  }
}
