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
    const pTrue = tf.exp(logpTrue);
    return tf.neg(tf.mul(tf.pow(tf.sub(1, pTrue), loss.gamma), logpTrue)) as tf.Tensor1D;
  });
}

/** Weighted mean of the per-jet loss: sum(w * l) / sum(w). */
export function meanLoss(logits: tf.Tensor2D, oneHot: tf.Tensor2D, weights: tf.Tensor1D, loss: LossConfig): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(perJetLoss(logits, oneHot, loss), weights)), tf.sum(weights)) as tf.Scalar);
}
