/**
 * The training loop on standardised arrays: shuffled mini-batches, weighted loss, Adam with the paper's
 * learning-rate schedule, validation loss/accuracy/AUC each epoch and early stopping. Everything the
 * store needs to resume bit for bit (weights, optimiser moments, random state) goes through `onEpoch`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { evaluateBinaryAuc } from '../metrics/quick.ts';
import { Adam, scheduledLearningRate } from '../model/adam.ts';
import { meanLoss } from '../model/losses.ts';
import { Mlp, predictArray } from '../model/mlp.ts';
import { Rng } from '../rng.ts';
import type { FeatureSchema } from '../schema/index.ts';
import type { TrainConfig } from './config.ts';

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  /** Validation AUC of the schema's first discriminant (BvL for DeepCSV). */
  val_auc: number | null;
  lr: number;
  seconds: number;
  jets_per_s: number;
  /** tf.memory().numTensors after the epoch: flat across epochs when nothing leaks. */
  tensors: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface LoopState {
  /** Epochs completed so far. */
  epoch: number;
  rng: Rng;
  bestValLoss: number;
  bestEpoch: number;
  badEpochs: number;
}

export interface SplitArrays {
  x: Float32Array;
  y: Int32Array;
  w: Float32Array;
}

export interface LoopHooks {
  onBatchEnd?(p: BatchProgress): void;
  /** Called after every epoch with the record; `improved` says whether the weights are the new best. */
  onEpoch(rec: EpochRecord, state: LoopState, improved: boolean): Promise<void> | void;
  signal?: AbortSignal;
}

export type LoopOutcome = 'complete' | 'early-stopped' | 'aborted';

function oneHot(labels: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

function validationLoss(probs: Float32Array, y: Int32Array, w: Float32Array, C: number, config: TrainConfig): { loss: number; accuracy: number } {
  let sum = 0;
  let sw = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.max(probs[i * C + y[i]], 1e-30);
    const l = config.loss.name === 'focal' ? -Math.pow(1 - p, config.loss.gamma) * Math.log(p) : -Math.log(p);
    sum += w[i] * l;
    sw += w[i];
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[i * C + c] > probs[i * C + best]) best = c;
    if (best === y[i]) correct++;
  }
  return { loss: sw > 0 ? sum / sw : 0, accuracy: y.length ? correct / y.length : 0 };
}

export async function trainLoop(
  model: Mlp,
  adam: Adam,
  schema: FeatureSchema,
  train: SplitArrays,
  val: SplitArrays,
  config: TrainConfig,
  state: LoopState,
  hooks: LoopHooks,
): Promise<LoopOutcome> {
  const F = model.config.inputs;
  const C = model.config.outputs;
  const nTrain = train.y.length;
  const B = Math.min(config.batchSize, nTrain);
  const batches = Math.ceil(nTrain / B);
  const trainOneHot = oneHot(train.y, C);
  const vars = model.variables;

  while (state.epoch < config.epochs) {
    const epoch = state.epoch;
    const lr = scheduledLearningRate(config.learningRate, epoch);
    const perm = state.rng.permutation(nTrain);
    const t0 = performance.now();
    let lossSum = 0;
    let weightSum = 0;
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      if (hooks.signal?.aborted) return 'aborted';
      const s = b * B;
      const e = Math.min(nTrain, s + B);
      const m = e - s;
      const xb = new Float32Array(m * F);
      const yb = new Float32Array(m * C);
      const wb = new Float32Array(m);
      for (let k = 0; k < m; k++) {
        const i = perm[s + k];
        xb.set(train.x.subarray(i * F, (i + 1) * F), k * F);
        yb.set(trainOneHot.subarray(i * C, (i + 1) * C), k * C);
        wb[k] = train.w[i];
      }
      const dropoutSeed = state.rng.seed();
      const stats = tf.tidy(() => {
        const x = tf.tensor2d(xb, [m, F]);
        const y = tf.tensor2d(yb, [m, C]);
        const w = tf.tensor1d(wb);
        let logits: tf.Tensor2D | null = null;
        const { value, grads } = tf.variableGrads(() => {
          logits = tf.keep(model.logits(x, dropoutSeed));
          return meanLoss(logits, y, w, config.loss);
        }, vars);
        adam.apply(vars.map((v) => grads[v.name]), lr);
        const kept = logits as unknown as tf.Tensor2D;
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(kept, 1), tf.argMax(y, 1)), 'float32'));
        // tf.keep exempted the logits from this tidy: release them by hand.
        kept.dispose();
        return tf.stack([value, hits, tf.sum(w)]);
      });
      const [batchLoss, hits, bw] = stats.dataSync();
      stats.dispose();
      lossSum += batchLoss * bw;
      weightSum += bw;
      correct += hits;
      hooks.onBatchEnd?.({ epoch: epoch + 1, batch: b + 1, batches, loss: batchLoss });
      // Let signals, IPC and progress output through between steps.
      await new Promise((r) => setImmediate(r));
    }
    const seconds = (performance.now() - t0) / 1000;
    const valProbs = predictArray(model, val.x);
    const v = validationLoss(valProbs, val.y, val.w, C, config);
    const valAuc = evaluateBinaryAuc(schema, valProbs, val.y);
    state.epoch = epoch + 1;
    const improved = v.loss < state.bestValLoss;
    if (improved) {
      state.bestValLoss = v.loss;
      state.bestEpoch = state.epoch;
      state.badEpochs = 0;
    } else {
      state.badEpochs++;
    }
    const rec: EpochRecord = {
      epoch: state.epoch,
      loss: weightSum > 0 ? lossSum / weightSum : 0,
      accuracy: correct / nTrain,
      val_loss: v.loss,
      val_accuracy: v.accuracy,
      val_auc: valAuc,
      lr,
      seconds,
      jets_per_s: nTrain / seconds,
      tensors: tf.memory().numTensors,
    };
    await hooks.onEpoch(rec, state, improved);
    if (state.badEpochs >= config.patience) return 'early-stopped';
  }
  return 'complete';
}

export function freshLoopState(seed: number): LoopState {
  return { epoch: 0, rng: new Rng(seed ^ 0x7a11), bestValLoss: Infinity, bestEpoch: 0, badEpochs: 0 };
}
