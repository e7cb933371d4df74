/**
 * The workloads of ../shared/bench/torch_deepcsv.py, on the active backend, for a side-by-side ratio:
 * the same Gaussian toy data (X ~ N(0,1) + 0.3 y), the same 5 x 100 ReLU network with dropout 0.1, Adam
 * lr 1e-3, batch 1024, FGSM training at eps 0.01, an FGSM attack over every jet in chunks of 8192
 * (inference mode), and a 2D input-space loss surface (sign-gradient and random directions) averaged over
 * the first S jets. Throughputs in jets (or surface points) per second, as the peer prints them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attackBatch } from '../attacks/perturb.ts';
import { activeBackend } from '../backend.ts';
import { inputGradient } from '../attacks/gradient.ts';
import { Adam } from '../model/adam.ts';
import { meanLoss } from '../model/losses.ts';
import { Mlp } from '../model/mlp.ts';
import { oneHot } from '../model/one-hot.ts';
import { lossSurface } from '../landscape/surface.ts';
import { fastAttack, fastInputGradient } from '../fast/dense.ts';
import { kernelPath, threadCount } from '../fast/kernels.ts';
import { FastTrainer } from '../fast/trainer.ts';
import { Rng } from '../rng.ts';

export interface BenchOptions {
  jets: number;
  features: number;
  classes: number;
  epochs: number;
  batch: number;
  hidden: number;
  layers: number;
  eps: number;
  grid: number;
  surfaceJets: number;
}

export const DEFAULT_BENCH: BenchOptions = { jets: 200_000, features: 67, classes: 4, epochs: 2, batch: 1024, hidden: 100, layers: 5, eps: 0.01, grid: 51, surfaceJets: 2000 };

const CE = { name: 'crossentropy' as const, gamma: 0 };

function toyData(o: BenchOptions): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(0);
  const y = Int32Array.from({ length: o.jets }, () => rng.int(o.classes));
  const x = new Float32Array(o.jets * o.features);
  for (let i = 0; i < o.jets; i++) for (let j = 0; j < o.features; j++) x[i * o.features + j] = rng.normal() + 0.3 * y[i];
  return { x, y };
}

/** Every epoch's shuffled batches, as the rows of each batch (the permutation drawn at each epoch's start). */
function* batches(o: BenchOptions, rng: Rng): Generator<Uint32Array> {
  for (let e = 0; e < o.epochs; e++) {
    const perm = rng.permutation(o.jets);
    for (let s = 0; s < o.jets; s += o.batch) yield perm.subarray(s, Math.min(o.jets, s + o.batch));
  }
}

async function train(o: BenchOptions, x: Float32Array, y: Int32Array, adversarial: boolean): Promise<{ model: Mlp; rate: number }> {
  const F = o.features;
  const C = o.classes;
  const model = new Mlp({ inputs: F, outputs: C, hidden: Array(o.layers).fill(o.hidden), dropout: 0.1 }, 0);
  const adam = new Adam(model.variables);
  const rng = new Rng(1);
  if (kernelPath() === 'simd') return trainFast(o, x, y, adversarial, model, adam, rng);
  const yh = oneHot(y, C);
  const noFreeze = tf.zeros([o.batch, F], 'bool') as tf.Tensor2D;
  const ones = tf.ones([F]) as tf.Tensor1D;
  const t0 = performance.now();
  let seen = 0;
  for (const rows of batches(o, rng)) {
    const m = rows.length;
    const xb = new Float32Array(m * F);
    const yb = new Float32Array(m * C);
    rows.forEach((r, k) => {
      xb.set(x.subarray(r * F, (r + 1) * F), k * F);
      yb.set(yh.subarray(r * C, (r + 1) * C), k * C);
    });
    const seed = rng.seed();
    tf.tidy(() => {
      let xt = tf.tensor2d(xb, [m, F]);
      const yt = tf.tensor2d(yb, [m, C]);
      const w = tf.ones([m]) as tf.Tensor1D;
      if (adversarial) {
        const frozen = m === o.batch ? noFreeze : (tf.zeros([m, F], 'bool') as tf.Tensor2D);
        xt = attackBatch(model, xt, yt, { spec: { kind: 'fgsm', eps: o.eps }, loss: CE, frozen, factors: ones, seed, dropoutSeed: seed });
      }
      const { grads } = tf.variableGrads(() => meanLoss(model.logits(xt, seed), yt, w, CE), model.variables);
      adam.apply(model.variables.map((v) => grads[v.name]), 1e-3);
    });
    seen += m;
  }
  // Wait for queued kernels before stopping the clock (a no-op on synchronous backends).
  await tf.ready();
  const rate = seen / ((performance.now() - t0) / 1000);
  noFreeze.dispose();
  ones.dispose();
  adam.dispose();
  return { model, rate };
}

/** The same loop on the simd kernels, as train/loop.ts runs it. */
function trainFast(o: BenchOptions, x: Float32Array, y: Int32Array, adversarial: boolean, model: Mlp, adam: Adam, rng: Rng): { model: Mlp; rate: number } {
  const F = o.features;
  const trainer = new FastTrainer(model, CE, o.batch);
  const xb = new Float32Array(o.batch * F);
  const yb = new Int32Array(o.batch);
  const w = new Float32Array(o.batch).fill(1);
  const frozen = new Uint8Array(o.batch * F);
  const t0 = performance.now();
  let seen = 0;
  for (const rows of batches(o, rng)) {
    const m = rows.length;
    rows.forEach((r, k) => {
      xb.set(x.subarray(r * F, (r + 1) * F), k * F);
      yb[k] = y[r];
    });
    const seed = rng.seed();
    trainer.train({ x: xb.subarray(0, m * F), y: yb.subarray(0, m), w: w.subarray(0, m), frozen }, 1e-3, seed, adversarial ? { spec: { kind: 'fgsm', eps: o.eps } } : null);
    seen += m;
  }
  const rate = seen / ((performance.now() - t0) / 1000);
  trainer.syncTo(adam);
  adam.dispose();
  return { model, rate };
}

/** d L / d x of rows [s, e), inference mode, on the active kernels. */
function benchGradient(model: Mlp, x: Float32Array, y: Int32Array, s: number, e: number, F: number, C: number): Float32Array {
  if (kernelPath() === 'simd') return fastInputGradient(model, x.subarray(s * F, e * F), y.subarray(s, e), CE);
  return tf.tidy(() => inputGradient(model, tf.tensor2d(x.subarray(s * F, e * F), [e - s, F]), tf.tensor2d(oneHot(y.subarray(s, e), C), [e - s, C]), CE).dataSync() as Float32Array);
}

/** x + eps sign(d L / d x) of rows [s, e), inference mode, on the active kernels. */
function benchAttack(model: Mlp, x: Float32Array, y: Int32Array, s: number, e: number, o: BenchOptions, C: number): Float32Array {
  const F = o.features;
  const spec = { kind: 'fgsm' as const, eps: o.eps };
  const frozen = new Uint8Array((e - s) * F);
  const factors = new Float32Array(F).fill(1);
  if (kernelPath() === 'simd') return fastAttack(model, x.subarray(s * F, e * F), y.subarray(s, e), { spec, loss: CE, frozen, factors });
  return tf.tidy(() => {
    const ctx = { spec, loss: CE, frozen: tf.zeros([e - s, F], 'bool') as tf.Tensor2D, factors: tf.tensor1d(factors), seed: 0 };
    return attackBatch(model, tf.tensor2d(x.subarray(s * F, e * F), [e - s, F]), tf.tensor2d(oneHot(y.subarray(s, e), C), [e - s, C]), ctx).dataSync() as Float32Array;
  });
}

export async function runBench(opts: Partial<BenchOptions> = {}): Promise<Record<string, unknown>> {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const o: BenchOptions = { ...DEFAULT_BENCH, ...given };
  const F = o.features;
  const C = o.classes;
  const { x, y } = toyData(o);
  const nominal = await train(o, x, y, false);
  const adv = await train(o, x, y, true);
  adv.model.dispose();

  // FGSM attack over the whole set, inference mode, as the engine attacks (nothing frozen, eps the same for every input).
  let t0 = performance.now();
  for (let s = 0; s < o.jets; s += 8192) benchAttack(nominal.model, x, y, s, Math.min(o.jets, s + 8192), o, C);
  const attackRate = o.jets / ((performance.now() - t0) / 1000);

  // Surface: d1 = sign(grad) (the FGSM direction at eps 1), d2 random normalised by its mean |.|.
  const S = Math.min(o.surfaceJets, o.jets);
  const xs = x.subarray(0, S * F);
  const ys = y.subarray(0, S);
  const d1 = benchGradient(nominal.model, x, y, 0, S, F, C).map(Math.sign);
  const rng = new Rng(2);
  const d2 = Float32Array.from({ length: S * F }, () => rng.normal());
  const meanAbs = d2.reduce((a, v) => a + Math.abs(v), 0) / d2.length;
  for (let i = 0; i < d2.length; i++) d2[i] /= meanAbs;
  const alphas = Array.from({ length: o.grid }, (_, i) => -0.1 + (0.2 * i) / (o.grid - 1));
  t0 = performance.now();
  await lossSurface({ model: nominal.model, loss: CE, x: Float32Array.from(xs), labels: Int32Array.from(ys), d1, d2, offsetsA: alphas, offsetsB: alphas });
  const surfaceSeconds = (performance.now() - t0) / 1000;
  nominal.model.dispose();
  return {
    tool: 'tagscape',
    backend: activeBackend(),
    kernels: kernelPath(),
    threads: kernelPath() === 'simd' ? threadCount() : 1,
    jets: o.jets,
    features: F,
    train_nominal_jets_per_s: Math.round(nominal.rate),
    train_fgsm_jets_per_s: Math.round(adv.rate),
    fgsm_attack_jets_per_s: Math.round(attackRate),
    surface_grid: o.grid,
    surface_jets: S,
    surface_s: Number(surfaceSeconds.toFixed(3)),
    surface_points_per_s: Math.round((o.grid * o.grid * S) / surfaceSeconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
