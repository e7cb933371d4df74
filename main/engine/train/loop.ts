/**
 * The training loop: shuffled mini-batches, weighted loss, Adam with the paper's learning-rate schedule,
 * validation loss/accuracy/AUC each epoch and early stopping. Inputs are read and standardised a batch at
 * a time (from memory or a scratch file, see rows.ts), so the loop holds no copy of the training set.
 * Everything the store needs to resume bit for bit (weights, optimiser moments, random state) goes
 * through `onEpoch`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmaxRow } from '../metrics/confusion.ts';
import { evaluateBinaryAuc } from '../metrics/quick.ts';
import { Adam, scheduledLearningRate } from '../model/adam.ts';
import { groupMatrix } from '../attacks/apply.ts';
import { attackBatch } from '../attacks/perturb.ts';
import type { AttackSpec } from '../attacks/spec.ts';
import { kernelPath } from '../fast/kernels.ts';
import { FastTrainer, PENALTY_PROBE, type StepAttack } from '../fast/trainer.ts';
import { inputGradient } from '../attacks/gradient.ts';
import { meanLoss, perJetLoss } from '../model/losses.ts';
import { Mlp, predictArray } from '../model/mlp.ts';
import { frozenMasker } from '../attacks/frozen.ts';
import { PREDICT_ROWS } from '../evaluate/predict-source.ts';
import { applyStandardizer, type Standardizer } from '../preprocess/standardize.ts';
import { Rng } from '../rng.ts';
import type { FeatureSchema } from '../schema/index.ts';
import type { TrainConfig } from './config.ts';
import type { RowStore } from './rows.ts';

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

/** One split's jets: labels and loss weights in memory, raw inputs read from `rows` when needed. */
export interface SplitRows {
  rows: RowStore;
  y: Int32Array;
  /** Per-jet loss weights; null when every jet weighs 1 (no array of ones for a million jets). */
  w: Float32Array | null;
}

/** How the inputs become network inputs: the schema (defaults, integer inputs) and the standardisation. */
export interface InputScaling {
  schema: FeatureSchema;
  standardizer: Standardizer;
}

/** Class probabilities of every jet of a split, in its row order. */
export function predictSplit(model: Mlp, split: SplitRows, scaling: InputScaling): Float32Array {
  const F = model.config.inputs;
  const C = model.config.outputs;
  const n = split.rows.count;
  const out = new Float32Array(n * C);
  const raw = new Float32Array(Math.min(n, PREDICT_ROWS) * F);
  const scaled = new Float32Array(raw.length);
  for (let s = 0; s < n; s += PREDICT_ROWS) {
    const e = Math.min(n, s + PREDICT_ROWS);
    const block = raw.subarray(0, (e - s) * F);
    split.rows.range(s, e, block);
    out.set(predictArray(model, applyStandardizer(block, scaling.schema, scaling.standardizer, undefined, scaled), PREDICT_ROWS), s * C);
  }
  return out;
}

/** Whether batch b is attacked when a fraction f of batches is: f = 0.5 attacks every second batch. */
export function isAdversarialBatch(b: number, fraction: number): boolean {
  return Math.floor((b + 1) * fraction + 1e-9) > Math.floor(b * fraction + 1e-9);
}

export interface LoopHooks {
  onBatchEnd?(p: BatchProgress): void;
  /** Called after every epoch with the record; `improved` says whether the weights are the new best. */
  onEpoch(rec: EpochRecord, state: LoopState, improved: boolean): Promise<void> | void;
  signal?: AbortSignal;
}

export type LoopOutcome = 'complete' | 'early-stopped' | 'aborted';

function validationLoss(probs: Float32Array, y: Int32Array, w: Float32Array | null, C: number, config: TrainConfig): { loss: number; accuracy: number } {
  let sum = 0;
  let sw = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.max(probs[i * C + y[i]], 1e-30);
    const l = config.loss.name === 'focal' ? -Math.pow(1 - p, config.loss.gamma) * Math.log(p) : -Math.log(p);
    const wi = w ? w[i] : 1;
    sum += wi * l;
    sw += wi;
    if (argmaxRow(probs, i, C) === y[i]) correct++;
  }
  return { loss: sw > 0 ? sum / sw : 0, accuracy: y.length ? correct / y.length : 0 };
}

export async function trainLoop(
  model: Mlp,
  adam: Adam,
  scaling: InputScaling,
  train: SplitRows,
  val: SplitRows,
  config: TrainConfig,
  state: LoopState,
  hooks: LoopHooks,
): Promise<LoopOutcome> {
  const { schema, standardizer } = scaling;
  const F = model.config.inputs;
  const C = model.config.outputs;
  const nTrain = train.y.length;
  const B = Math.min(config.batchSize, nTrain);
  const batches = Math.ceil(nTrain / B);
  const vars = model.variables;
  const adv = config.adversarial;
  // Attacks and the gradient penalty leave integer inputs and default entries untouched.
  const needsFrozen = adv !== null || config.gradPenalty > 0;
  // Batch buffers, reused: tensors copy them (or, on the cpu backend, hold them only inside the step's tidy).
  const raw = new Float32Array(B * F);
  const scaled = new Float32Array(B * F);
  const onehot = new Float32Array(B * C);
  const weights = new Float32Array(B);
  const frozenOf = frozenMasker(schema);
  const frozenBuf = needsFrozen ? new Uint8Array(B * F) : null;
  const advSpec: AttackSpec | null = adv ? { kind: adv.attack, eps: adv.eps, steps: adv.steps, alpha: adv.alpha, norm: adv.norm } : null;
  const factors = tf.ones([F]) as tf.Tensor1D;
  const { matrix, groups } = groupMatrix(schema);
  const groupT = tf.tensor2d(matrix, [F, groups.length]);
  const fast = kernelPath() === 'simd' ? new FastTrainer(model, config.loss, B, undefined, config.gradPenalty) : null;
  const labels = new Int32Array(B);
  const groupOf = Int32Array.from(schema.features, (f) => groups.indexOf(f.group));
  try {
    fast?.loadFrom(adam);

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
        const rawB = raw.subarray(0, m * F);
        train.rows.gather(perm.subarray(s, e), rawB);
        const xb = applyStandardizer(rawB, schema, standardizer, undefined, scaled);
        const fb = frozenBuf ? frozenOf(rawB, undefined, frozenBuf) : null;
        const wb = weights.subarray(0, m);
        for (let k = 0; k < m; k++) wb[k] = train.w ? train.w[perm[s + k]] : 1;
        const dropoutSeed = state.rng.seed();
        const attackSeed = state.rng.seed();
        const attacked = advSpec !== null && epoch >= adv!.warmupEpochs && isAdversarialBatch(b, adv!.fraction);
        if (fast) {
          const yi = labels.subarray(0, m);
          for (let k = 0; k < m; k++) yi[k] = train.y[perm[s + k]];
          const attack: StepAttack | null = attacked ? { spec: advSpec!, groupOf, nGroups: groups.length } : null;
          const r = fast.train({ x: xb.subarray(0, m * F), y: yi, w: wb, frozen: fb }, lr, dropoutSeed, attack, adam);
          lossSum += r.loss * r.weight;
          weightSum += r.weight;
          correct += r.hits;
          hooks.onBatchEnd?.({ epoch: epoch + 1, batch: b + 1, batches, loss: r.loss });
          await new Promise((r) => setImmediate(r));
          continue;
        }
        const yb = onehot.subarray(0, m * C).fill(0);
        for (let k = 0; k < m; k++) yb[k * C + train.y[perm[s + k]]] = 1;
        const stats = tf.tidy(() => {
          const y = tf.tensor2d(yb, [m, C]);
          const w = tf.tensor1d(wb);
          const frozen = fb ? (tf.cast(tf.tensor2d(fb, [m, F], 'int32'), 'bool') as tf.Tensor2D) : null;
          let x = tf.tensor2d(xb, [m, F]);
          if (attacked) {
            // The paper's setup: the attack sees the network in training mode, with this step's dropout mask.
            x = attackBatch(model, x, y, { spec: advSpec!, loss: config.loss, frozen: frozen!, factors, groups: groupT, dropoutSeed, seed: attackSeed });
          }
          // Geometry-aware training: the input gradient, fixed, defines the finite-difference probe below.
          const gFree = config.gradPenalty > 0 ? freeInputGradient(model, x, y, frozen!, config, dropoutSeed) : null;
          let logits: tf.Tensor2D | null = null;
          let dataLoss: tf.Scalar | null = null;
          const { grads } = tf.variableGrads(() => {
            logits = tf.keep(model.logits(x, dropoutSeed));
            dataLoss = tf.keep(meanLoss(logits, y, w, config.loss));
            return gFree ? tf.add(dataLoss, penaltySurrogate(model, x, y, w, gFree, config, dropoutSeed)) as tf.Scalar : dataLoss;
          }, vars);
          const kept = [logits, dataLoss] as unknown as [tf.Tensor2D, tf.Scalar];
          const value = gFree ? tf.add(kept[1], tf.mul(tf.div(tf.sum(tf.mul(tf.sum(tf.square(gFree), 1), w)), tf.sum(w)), config.gradPenalty)) : tf.clone(kept[1]);
          adam.apply(vars.map((v) => grads[v.name]), lr);
          const hits = tf.sum(tf.cast(tf.equal(tf.argMax(kept[0], 1), tf.argMax(y, 1)), 'float32'));
          // tf.keep exempted these from this tidy: release them by hand.
          kept.forEach((t) => t.dispose());
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
      // The epoch's weights and moments into the model and Adam: validation and checkpoints read them there.
      fast?.syncTo(adam);
      const valProbs = predictSplit(model, val, scaling);
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
  } finally {
    factors.dispose();
    groupT.dispose();
  }
}

export function freeInputGradient(model: Mlp, x: tf.Tensor2D, y: tf.Tensor2D, frozen: tf.Tensor2D, config: TrainConfig, dropoutSeed?: number): tf.Tensor2D {
  return tf.tidy(() => {
    const g = inputGradient(model, x, y, config.loss, dropoutSeed);
    return tf.where(frozen, tf.zerosLike(g), g) as tf.Tensor2D;
  });
}

/**
 * The input-gradient penalty lambda * <||g||^2> (g = grad_x L over free inputs) needs d/dtheta of a
 * gradient: double backpropagation. tfjs's higher-order gradients drop terms (checked against finite
 * differences), so the theta-gradient 2 lambda <J^T g> is taken from a central finite difference along g
 * instead: lambda * <[L(x + h g) - L(x - h g)] / h> with g held fixed has exactly that theta-gradient to
 * O(h^2) (Karakida et al. 2023). h is chosen per jet so that every probe is PENALTY_PROBE long.
 * Its value is 2 lambda <||g||^2>, so the reported loss adds lambda <||g||^2> computed directly.
 */
export function penaltySurrogate(model: Mlp, x: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor1D, g: tf.Tensor2D, config: TrainConfig, dropoutSeed?: number): tf.Scalar {
  const norm = tf.sqrt(tf.sum(tf.square(g), 1, true));
  const h = tf.div(PENALTY_PROBE, tf.maximum(norm, 1e-12));
  const step = tf.mul(g, h);
  const up = perJetLoss(model.logits(tf.add(x, step) as tf.Tensor2D, dropoutSeed), y, config.loss);
  const down = perJetLoss(model.logits(tf.sub(x, step) as tf.Tensor2D, dropoutSeed), y, config.loss);
  const diff = tf.div(tf.sub(up, down), tf.reshape(h, [-1]));
  // Where the gradient vanishes the penalty and its derivative vanish too.
  const safe = tf.where(tf.greater(tf.reshape(norm, [-1]), 0), diff, tf.zerosLike(diff));
  return tf.mul(tf.div(tf.sum(tf.mul(safe, w)), tf.sum(w)), config.gradPenalty) as tf.Scalar;
}

export function freshLoopState(seed: number): LoopState {
  return { epoch: 0, rng: new Rng(seed ^ 0x7a11), bestValLoss: Infinity, bestEpoch: 0, badEpochs: 0 };
}
