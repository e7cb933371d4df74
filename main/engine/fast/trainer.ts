/**
 * Training steps on the simd kernels. The weights and Adam moments live in a wasm instance on this
 * thread between steps; each step spreads the batch's GRAD_PARTS fixed parts over the pool's threads
 * (through SharedArrayBuffers), adds the parts' gradients in part order and applies Adam here, so any
 * thread count gives the same weights bit for bit. `syncTo` writes weights, moments and step count back
 * into the Mlp and Adam, whose arrays the run store checkpoints exactly as on the tfjs path.
 */
import { DenseKernels, GRAD_PARTS } from '../../../native/dense-ops.mjs';
import type { AttackSpec } from '../attacks/spec.ts';
import type { Adam } from '../model/adam.ts';
import type { LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { dropoutArgs, fastAttackable, flatParams, lossArgs, splitParams, widthsOf } from './dense.ts';
import { denseModule } from './kernels.ts';
import { fastPool, shared, type FastPool } from './pool.ts';

/** Probe length of the penalty's finite difference, in sigma: the tfjs path's (train/loop.ts). */
export const PENALTY_PROBE = 1e-2;

/** One batch: m rows of standardised inputs (m x F), labels, loss weights. */
export interface Batch {
  x: Float32Array;
  y: ArrayLike<number>;
  w: Float32Array;
  /** 1 where an entry is frozen (m x F); needed by attacks and the gradient penalty. */
  frozen?: Uint8Array | null;
}

export interface StepAttack {
  spec: AttackSpec;
  /** Feature j's group index, for per-group NGM. */
  groupOf?: Int32Array;
  nGroups?: number;
}

export interface StepResult {
  /** Weighted mean loss of the batch (before the update). */
  loss: number;
  /** Rows whose arg-max class is the label. */
  hits: number;
  /** Sum of the batch's weights. */
  weight: number;
}

export class FastTrainer {
  private readonly k: DenseKernels;
  private readonly F: number;
  private readonly P: number;
  private readonly x: Float32Array;
  private readonly y: Int32Array;
  private readonly w: Float32Array;
  private readonly frozen: Uint8Array;
  private readonly params: Float32Array;
  private readonly grads: Float32Array;
  private readonly stats: Float64Array;
  private readonly bounds = new Int32Array(GRAD_PARTS + 1);
  private readonly factors: Float32Array;
  step = 0;

  /**
   * `penalty` is lambda of the input-gradient penalty (0 = off), trained as on the tfjs path by a central
   * finite difference along the input gradient (probe length 1e-2 sigma, train/loop.ts PENALTY_PROBE).
   */
  constructor(private readonly model: Mlp, readonly loss: LossConfig, readonly maxRows: number, private readonly pool: FastPool = fastPool(), readonly penalty = 0) {
    const widths = widthsOf(model);
    this.k = new DenseKernels(denseModule(), widths);
    this.F = model.config.inputs;
    this.P = this.k.P;
    this.x = shared(Float32Array, maxRows * this.F);
    this.y = shared(Int32Array, maxRows);
    this.w = shared(Float32Array, maxRows);
    this.frozen = shared(Uint8Array, maxRows * this.F);
    this.params = shared(Float32Array, this.P);
    this.grads = shared(Float32Array, GRAD_PARTS * this.P);
    this.stats = shared(Float64Array, 2 * GRAD_PARTS);
    this.factors = new Float32Array(this.F).fill(1);
    this.k.setParams(flatParams(model));
    pool.warm();
  }

  /** Takes the weights from the model and the moments and step count from Adam. */
  loadFrom(adam: Adam): void {
    this.k.setParams(flatParams(this.model));
    const s = adam.getState();
    const put = (ptr: number, parts: Float32Array[]) => {
      const dst = this.k.f32(ptr, this.P);
      let o = 0;
      for (const p of parts) {
        dst.set(p, o);
        o += p.length;
      }
    };
    put(this.k.m, s.m);
    put(this.k.v, s.v);
    this.step = s.step;
  }

  /** Writes the weights into the model and the moments and step count into Adam. */
  syncTo(adam: Adam): void {
    this.model.setWeights(splitParams(this.model, this.k.f32(this.k.params, this.P)));
    adam.setState({ step: this.step, m: splitParams(this.model, this.k.f32(this.k.m, this.P)), v: splitParams(this.model, this.k.f32(this.k.v, this.P)) });
  }

  /**
   * Sum over the batch of w_i / sum(w) * dL_i/dtheta into the instance's gradient buffer (the rows are
   * x (m x F), labels y, weights w), attacking the rows first if `attack` is given; returns the stats.
   */
  private gradient({ x, y, w, frozen }: Batch, dropoutSeed: number | undefined, attack: StepAttack | null): StepResult {
    const m = w.length;
    if (m > this.maxRows) throw new Error(`A batch of ${m} rows exceeds the trainer's ${this.maxRows}.`);
    const F = this.F;
    this.x.set(x.subarray(0, m * F));
    this.y.set(y as ArrayLike<number>);
    this.w.set(w);
    let sumW = 0;
    for (let i = 0; i < m; i++) sumW += w[i];
    const weight = Math.fround(sumW);
    for (let p = 0; p <= GRAD_PARTS; p++) this.bounds[p] = Math.floor((p * m) / GRAD_PARTS);
    this.params.set(this.k.f32(this.k.params, this.P));
    if ((attack || this.penalty > 0) && !frozen) throw new Error('Attacks and the gradient penalty need the batch\'s frozen mask.');
    if (frozen) this.frozen.set(frozen.subarray(0, m * F));
    let attackArgs = null;
    if (attack) {
      if (!fastAttackable(attack.spec)) throw new Error(`The simd kernels do not implement the ${attack.spec.kind} attack in training.`);
      attackArgs = { spec: attack.spec, frozen: this.frozen, factors: this.factors, cap: null, groupOf: attack.groupOf ?? null, nGroups: attack.nGroups ?? 1 };
    }
    this.pool.parts({
      widths: widthsOf(this.model),
      params: this.params,
      x: this.x, y: this.y, w: this.w,
      bounds: this.bounds,
      loss: lossArgs(this.loss),
      scale: weight > 0 ? 1 / weight : 0,
      drop: dropoutArgs(this.model, dropoutSeed),
      attack: attackArgs,
      frozen: this.frozen,
      penalty: this.penalty > 0 ? { lambda: this.penalty, probe: PENALTY_PROBE } : null,
      grads: this.grads,
      stats: this.stats,
    });
    const gsum = this.k.f32(this.k.gsum, this.P);
    gsum.set(this.grads.subarray(0, this.P));
    const tmp = this.k.f32(this.k.grads, this.P);
    let lossSum = this.stats[0];
    let hits = this.stats[1];
    for (let p = 1; p < GRAD_PARTS; p++) {
      tmp.set(this.grads.subarray(p * this.P, (p + 1) * this.P));
      this.k.ex.add_into(this.k.gsum, this.k.grads, this.P);
      lossSum += this.stats[2 * p];
      hits += this.stats[2 * p + 1];
    }
    return { loss: weight > 0 ? lossSum / weight : 0, hits, weight };
  }

  /** The gradient of the weighted mean loss, flat in variable order (for tests and checks). */
  gradientOf(batch: Batch, dropoutSeed?: number, attack: StepAttack | null = null): { grad: Float32Array; stats: StepResult } {
    const stats = this.gradient(batch, dropoutSeed, attack);
    return { grad: Float32Array.from(this.k.f32(this.k.gsum, this.P)), stats };
  }

  /**
   * One training step: (attack,) forward with dropout, weighted loss, backward, Adam at learning rate lr
   * with the moments' bias correction of adam.ts.
   */
  train(batch: Batch, lr: number, dropoutSeed?: number, attack: StepAttack | null = null, adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8 }): StepResult {
    const stats = this.gradient(batch, dropoutSeed, attack);
    this.step++;
    const c1 = 1 - Math.pow(adam.beta1, this.step);
    const c2 = 1 - Math.pow(adam.beta2, this.step);
    this.k.ex.adam(this.k.params, this.k.gsum, this.k.m, this.k.v, this.P, adam.beta1, 1 - adam.beta1, adam.beta2, 1 - adam.beta2, lr / c1, c2, adam.eps);
    return stats;
  }
}
