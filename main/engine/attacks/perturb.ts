/**
 * The attacks on one batch of standardised inputs, as tensor code. Frozen entries are restored with
 * tf.where after every step, so they come out bit-identical to the input.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { inputGradient } from './gradient.ts';
import { pgdAlpha, type AttackSpec } from './spec.ts';

export interface BatchContext {
  spec: AttackSpec;
  loss: LossConfig;
  /** true where the entry is frozen (n x F, bool). */
  frozen: tf.Tensor2D;
  /** Per-feature eps multipliers (F). */
  factors: tf.Tensor1D;
  /** Per-entry bound on |delta| in standardised units (n x F), from the raw cap; absent = no cap. */
  cap?: tf.Tensor2D;
  /** Feature-to-group one-hot (F x K) for per-group NGM. */
  groups?: tf.Tensor2D;
  /** Set during adversarial training: attacks see the network with dropout active (the paper's setup). */
  dropoutSeed?: number;
  /** Seed of noise and random starts for this batch. */
  seed: number;
  /** PGD only: walk down the loss instead of up (e.g. for the loss range inside an eps-box). @default false */
  descend?: boolean;
}

const TINY = 1e-12;

/** Keep frozen entries, apply the raw cap. */
function restrict(x0: tf.Tensor2D, xa: tf.Tensor2D, ctx: BatchContext): tf.Tensor2D {
  let d = tf.sub(xa, x0);
  if (ctx.cap) d = tf.minimum(tf.maximum(d, tf.neg(ctx.cap)), ctx.cap);
  return tf.where(ctx.frozen, x0, tf.add(x0, d)) as tf.Tensor2D;
}

/** Gradient with frozen entries zeroed, so normalisations see only what may move. */
function freeGradient(model: Mlp, x: tf.Tensor2D, oneHot: tf.Tensor2D, ctx: BatchContext): tf.Tensor2D {
  const g = inputGradient(model, x, oneHot, ctx.loss, ctx.dropoutSeed);
  return tf.where(ctx.frozen, tf.zerosLike(g), g) as tf.Tensor2D;
}

/** g / ||g||_2 per jet, or per jet and feature group; zero where the gradient vanishes. */
function normalise(g: tf.Tensor2D, groups?: tf.Tensor2D): tf.Tensor2D {
  const sq = tf.square(g);
  const norm = groups ? tf.sqrt(tf.matMul(tf.matMul(sq, groups), groups, false, true)) : tf.sqrt(tf.sum(sq, 1, true));
  return tf.div(g, tf.maximum(norm, TINY)) as tf.Tensor2D;
}

export function attackBatch(model: Mlp, x: tf.Tensor2D, oneHot: tf.Tensor2D, ctx: BatchContext): tf.Tensor2D {
  return tf.tidy(() => {
    const { spec } = ctx;
    const epsVec = tf.mul(ctx.factors, spec.eps) as tf.Tensor1D;
    switch (spec.kind) {
      case 'fgsm': {
        const g = inputGradient(model, x, oneHot, ctx.loss, ctx.dropoutSeed);
        return restrict(x, tf.add(x, tf.mul(epsVec, tf.sign(g))), ctx);
      }
      case 'ngm':
        return restrict(x, tf.add(x, tf.mul(epsVec, normalise(freeGradient(model, x, oneHot, ctx), spec.perGroup ? ctx.groups : undefined))), ctx);
      case 'noise':
        return restrict(x, tf.add(x, tf.mul(epsVec, tf.randomNormal(x.shape, 0, 1, 'float32', ctx.seed))), ctx);
      case 'shift':
        return restrict(x, tf.add(x, tf.mul(epsVec, spec.sign ?? 1)), ctx);
      case 'pgd':
        return pgd(model, x, oneHot, ctx, epsVec);
    }
  });
}

function pgd(model: Mlp, x: tf.Tensor2D, oneHot: tf.Tensor2D, ctx: BatchContext, epsVec: tf.Tensor1D): tf.Tensor2D {
  const { spec } = ctx;
  const steps = spec.steps ?? 10;
  const alphaVec = tf.mul(ctx.factors, pgdAlpha(spec));
  const l2 = spec.norm === 'l2';
  // Features with factor 0 never move; dividing by them in the L2 metric is avoided with a safe factor.
  const safeFactors = tf.where(tf.greater(ctx.factors, 0), ctx.factors, tf.onesLike(ctx.factors));
  const project = (xa: tf.Tensor2D): tf.Tensor2D => {
    let d = tf.sub(xa, x);
    if (l2) {
      const n = tf.sqrt(tf.sum(tf.square(tf.div(d, safeFactors)), 1, true));
      d = tf.mul(d, tf.minimum(1, tf.div(spec.eps, tf.maximum(n, TINY))));
    } else {
      d = tf.minimum(tf.maximum(d, tf.neg(epsVec)), epsVec);
    }
    return restrict(x, tf.add(x, d), ctx);
  };
  let xa: tf.Tensor2D = x;
  if (spec.randomStart) {
    let start: tf.Tensor;
    if (l2) {
      // Uniform in the ball of the free subspace: Gaussian direction, radius eps * U^(1/d).
      const g = tf.where(ctx.frozen, tf.zerosLike(x), tf.randomNormal(x.shape, 0, 1, 'float32', ctx.seed)) as tf.Tensor2D;
      const d = tf.maximum(tf.sum(tf.cast(tf.logicalNot(ctx.frozen), 'float32'), 1, true), 1);
      const radius = tf.mul(spec.eps, tf.pow(tf.randomUniform([x.shape[0], 1], 0, 1, 'float32', ctx.seed + 1), tf.div(1, d)));
      start = tf.mul(ctx.factors, tf.mul(normalise(g), radius));
    } else {
      start = tf.mul(epsVec, tf.randomUniform(x.shape, -1, 1, 'float32', ctx.seed));
    }
    xa = project(tf.add(x, start) as tf.Tensor2D);
  }
  for (let s = 0; s < steps; s++) {
    const next = tf.tidy(() => {
      const g = freeGradient(model, xa, oneHot, ctx);
      const up = l2 ? tf.mul(alphaVec, normalise(g)) : tf.mul(alphaVec, tf.sign(g));
      const step = ctx.descend ? tf.neg(up) : up;
      return project(tf.add(xa, step) as tf.Tensor2D);
    });
    if (xa !== x) xa.dispose();
    xa = next;
  }
  return xa;
}
