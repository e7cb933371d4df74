/**
 * A DeepCSV-like dense network written directly on tfjs-core ops: weights are plain variables, so
 * training, input gradients (attacks), double backpropagation and serialisation need no layers API.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.ts';
import { fastProbs, fastProbsAsync } from '../fast/dense.ts';
import { kernelPath } from '../fast/kernels.ts';

export interface MlpConfig {
  inputs: number;
  outputs: number;
  /** Hidden layer widths. @default [100, 100, 100, 100, 100] (DeepCSV) */
  hidden: number[];
  /** Dropout rate after every hidden layer during training. @default 0.1 */
  dropout: number;
}

/** A variable holding `t`'s values; `t` itself is released (variables keep their own reference). */
export function variableFrom(t: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

/** Overwrite a variable with `t` and release `t`. */
export function assignFrom(v: tf.Variable, t: tf.Tensor): void {
  v.assign(t);
  t.dispose();
}

export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(readonly config: MlpConfig, seed: number) {
    const rng = new Rng(seed);
    const widths = [config.inputs, ...config.hidden, config.outputs];
    for (let l = 0; l + 1 < widths.length; l++) {
      const [fanIn, fanOut] = [widths[l], widths[l + 1]];
      // PyTorch's default nn.Linear initialisation, which the paper's code uses: weights and biases
      // U(±1/√fan_in). He-uniform weights (√6 ≈ 2.4 times wider) turn the sentinels of missing entries (tens
      // of σ out) into huge first logits, and 5 epochs then reach a clearly worse tagger (docs/defaults.md).
      const limit = 1 / Math.sqrt(fanIn);
      const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.range(-limit, limit));
      const b = Float32Array.from({ length: fanOut }, () => rng.range(-limit, limit));
      this.weights.push(variableFrom(tf.tensor2d(w, [fanIn, fanOut])));
      this.biases.push(variableFrom(tf.tensor1d(b)));
    }
  }

  get variables(): tf.Variable[] {
    return this.weights.flatMap((w, i) => [w, this.biases[i]]);
  }

  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /**
   * Logits for a batch. With `dropoutSeed` set, dropout is applied (training mode); the seed makes the
   * masks reproducible from the run's random stream.
   */
  logits(x: tf.Tensor2D, dropoutSeed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      const L = this.weights.length;
      for (let l = 0; l < L; l++) {
        h = tf.add(tf.matMul(h, this.weights[l]), this.biases[l]) as tf.Tensor2D;
        if (l + 1 < L) {
          h = tf.relu(h);
          if (dropoutSeed !== undefined && this.config.dropout > 0) {
            const keep = 1 - this.config.dropout;
            const mask = tf.cast(tf.less(tf.randomUniform(h.shape, 0, 1, 'float32', dropoutSeed + l), keep), 'float32');
            h = tf.mul(h, tf.mul(mask, 1 / keep)) as tf.Tensor2D;
          }
        }
      }
      return h;
    });
  }

  /** Class probabilities (inference mode). */
  predict(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.logits(x)));
  }

  getWeights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  setWeights(values: Float32Array[]): void {
    const vars = this.variables;
    if (values.length !== vars.length) throw new Error(`Expected ${vars.length} weight arrays, got ${values.length}.`);
    vars.forEach((v, i) => {
      if (values[i].length !== v.size) throw new Error(`Weight array ${i} has ${values[i].length} values, expected ${v.size}.`);
      // A copy: the cpu backend would keep the caller's array as the weights' storage, so writing into it
      // later would change the weights behind tfjs's back (and behind the kernels' cache, fast/dense.ts).
      assignFrom(v, tf.tensor(Float32Array.from(values[i]), v.shape));
    });
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** Probabilities of rows [s, e) of a scaled n x F array on the tensor backend. */
function tensorProbs(model: Mlp, scaled: Float32Array, s: number, e: number): Float32Array {
  const F = model.config.inputs;
  const probs = tf.tidy(() => model.predict(tf.tensor2d(scaled.subarray(s * F, e * F), [e - s, F])));
  const values = probs.dataSync() as Float32Array;
  probs.dispose();
  return values;
}

/** Probabilities for rows of a scaled n x F array, in chunks so memory stays bounded. */
export function predictArray(model: Mlp, scaled: Float32Array, chunk = 8192): Float32Array {
  if (kernelPath() === 'simd') return fastProbs(model, scaled);
  const n = scaled.length / model.config.inputs;
  const out = new Float32Array(n * model.config.outputs);
  for (let s = 0; s < n; s += chunk) out.set(tensorProbs(model, scaled, s, Math.min(n, s + chunk)), s * model.config.outputs);
  return out;
}

/**
 * predictArray for a caller whose event loop must go on (a server answering other requests): the simd
 * kernels run on their worker threads while this thread waits for nothing; the tensor path (native
 * TensorFlow, or TAGSCAPE_KERNELS=tfjs) computes here, a chunk at a time, and lets the event loop run
 * between chunks. The same numbers as predictArray.
 */
export async function predictArrayAsync(model: Mlp, scaled: Float32Array, chunk = 8192): Promise<Float32Array> {
  if (kernelPath() === 'simd') return fastProbsAsync(model, scaled);
  const n = scaled.length / model.config.inputs;
  const out = new Float32Array(n * model.config.outputs);
  for (let s = 0; s < n; s += chunk) {
    out.set(tensorProbs(model, scaled, s, Math.min(n, s + chunk)), s * model.config.outputs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
