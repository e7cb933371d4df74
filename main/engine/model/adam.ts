/**
 * Adam (Kingma & Ba) with bias correction, eps = 1e-8 as in PyTorch. Written out rather than taken from
 * tfjs so that its state is ours to checkpoint and restore bit for bit, and the learning rate can follow
 * the schedule lr0 / (1 + epoch / 30) per epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assignFrom, variableFrom } from './mlp.ts';

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(private readonly vars: tf.Variable[], readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = vars.map((x) => variableFrom(tf.zerosLike(x), false));
    this.v = vars.map((x) => variableFrom(tf.zerosLike(x), false));
  }

  apply(grads: tf.Tensor[], lr: number): void {
    this.step++;
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    tf.tidy(() => {
      this.vars.forEach((x, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        x.assign(tf.sub(x, update));
      });
    });
  }

  getState(): AdamState {
    const copy = (t: tf.Variable) => Float32Array.from(t.dataSync() as Float32Array);
    return { step: this.step, m: this.m.map(copy), v: this.v.map(copy) };
  }

  setState(s: AdamState): void {
    this.step = s.step;
    this.m.forEach((t, i) => assignFrom(t, tf.tensor(s.m[i], t.shape)));
    this.v.forEach((t, i) => assignFrom(t, tf.tensor(s.v[i], t.shape)));
  }

  dispose(): void {
    [...this.m, ...this.v].forEach((t) => t.dispose());
  }
}

/** The paper's schedule: lr0 / (1 + epoch / 30), epoch counted from 0. */
export function scheduledLearningRate(lr0: number, epoch: number): number {
  return lr0 / (1 + epoch / 30);
}
