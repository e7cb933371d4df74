import * as tf from '@tensorflow/tfjs-core';
import { perJetLoss, type LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';

/**
 * d L_i / d x_i for every jet: the gradient of the summed per-jet loss, so each row is its own jet's
 * gradient, unscaled by the batch size. `dropoutSeed` set = training mode (dropout active).
 */
export function inputGradient(model: Mlp, x: tf.Tensor2D, oneHot: tf.Tensor2D, loss: LossConfig, dropoutSeed?: number): tf.Tensor2D {
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(perJetLoss(model.logits(xx as tf.Tensor2D, dropoutSeed), oneHot, loss)))(x) as tf.Tensor2D);
}
