/**
 * Classification losses on logits. Per-jet losses are returned so that weights, landscapes and
 * attacks can all use the same definition; the training loss is their weighted mean.
 */
import * as tf from '@tensorflow/tfjs-core';

export type LossName = 'crossentropy' | 'focal';

export interface LossConfig {
  name: LossName;
  /** Focusing parameter of the focal loss (Lin et al.); gamma = 0 is cross-entropy. @default 2 */
  gamma: number;
}

/** Per-jet loss: cross-entropy -ln p_true, or focal -(1 - p_true)^gamma ln p_true. */
export function perJetLoss(logits: tf.Tensor2D, oneHot: tf.Tensor2D, loss: LossConfig): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const logpTrue = tf.sum(tf.mul(logp, oneHot), 1);
    if (loss.name === 'crossentropy' || loss.gamma === 0) return tf.neg(logpTrue) as tf.Tensor1D;
    // Floor 1 - p: for 0 < gamma < 1 the derivative of (1 - p)^gamma is infinite at p = 1.
    const q = tf.maximum(tf.sub(1, tf.exp(logpTrue)), 1e-7);
    return tf.neg(tf.mul(tf.pow(q, loss.gamma), logpTrue)) as tf.Tensor1D;
  });
}

/** Weighted mean of the per-jet loss: sum(w * l) / sum(w). */
export function meanLoss(logits: tf.Tensor2D, oneHot: tf.Tensor2D, weights: tf.Tensor1D, loss: LossConfig): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(perJetLoss(logits, oneHot, loss), weights)), tf.sum(weights)) as tf.Scalar);
}
