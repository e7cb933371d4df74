/**
 * The dense tagger on the simd kernels, for the engine: probabilities, per-jet losses, input gradients,
 * attacks and loss surfaces of an Mlp, computed from its current weights on fastPool()'s threads. Each
 * function mirrors a tfjs function of model/, attacks/ or landscape/ (named in its comment) to float32
 * tolerance; the tests (test/unit/fast-*.test.ts) hold them to it.
 */
import { paramCount, type OpName } from '../../../native/dense-ops.mjs';
import type { AttackSpec } from '../attacks/spec.ts';
import type { SurfaceRequest } from '../landscape/surface.ts';
import type { LossConfig } from '../model/losses.ts';
import type { Mlp } from '../model/mlp.ts';
import { fastPool, shared, type FastPool } from './pool.ts';

/** The loss as the kernels take it. */
export function lossArgs(loss: LossConfig): { focal: boolean; gamma: number } {
  return { focal: loss.name === 'focal' && loss.gamma !== 0, gamma: loss.gamma };
}

export function widthsOf(model: Mlp): number[] {
  return [model.config.inputs, ...model.config.hidden, model.config.outputs];
}

/** The model's parameters in one array, in variable order (W0, b0, W1, b1, ...). */
export function flatParams(model: Mlp): Float32Array {
  const flat = new Float32Array(paramCount(widthsOf(model)));
  let o = 0;
  // Only read: dataSync's array may be the backend's own (cpu), so it is copied into `flat`, not kept.
  for (const v of model.variables) {
    flat.set(v.dataSync() as Float32Array, o);
    o += v.size;
  }
  return flat;
}

/** Splits a flat parameter array into the model's variables' shapes. */
export function splitParams(model: Mlp, flat: Float32Array): Float32Array[] {
  let o = 0;
  return model.variables.map((v) => {
    const part = flat.slice(o, o + v.size);
    o += v.size;
    return part;
  });
}

/** `a` as the pool's threads can read it: itself on one thread, a shared copy otherwise. */
function share<T extends Float32Array | Int32Array | Uint8Array>(pool: FastPool, a: T): T {
  if (!pool.sharing || a.buffer instanceof SharedArrayBuffer) return a;
  return shared(a.constructor as never, a) as T;
}

function output<T extends Float32Array | Float64Array>(pool: FastPool, Ctor: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return pool.sharing ? shared(Ctor as never, n) : new Ctor(n);
}

/**
 * Each model's flat parameters with the tensors they were read from. A variable gets new data (a new
 * dataId) whenever it is assigned, so the same dataIds mean the same weights: evaluation, validation and
 * attacks that call the kernels block after block read the weights once instead of a few hundred kB of
 * copies per call, which would pile up until the collector runs.
 */
const flatOf = new WeakMap<Mlp, { ids: object[]; flat: Float32Array }>();

function netArgs(model: Mlp): { widths: number[]; params: Float32Array } {
  const ids = model.variables.map((v) => v.dataId);
  let held = flatOf.get(model);
  if (!held || held.ids.some((id, i) => id !== ids[i])) {
    held = { ids, flat: flatParams(model) };
    flatOf.set(model, held);
  }
  return { widths: widthsOf(model), params: held.flat };
}

/**
 * Rows per block of a row operation: bounds the shared copies, which stay allocated for the next call
 * (2.2 MB of DeepCSV inputs per argument), and each thread's wasm heap, which grows to its largest chunk.
 */
const BLOCK = 8192;

type RowArray = Float32Array | Int32Array | Uint8Array;

/**
 * rowOp's shared blocks, one per argument, reused by every call. A fresh SharedArrayBuffer per block
 * stays alive until every worker that was sent it collects garbage, which a worker allocating little
 * rarely does: 1M rows on two threads held about a gigabyte of spent blocks. Reusing them bounds the
 * shared memory by one block per argument. Safe because pool.rows returns only when no chunk is in flight.
 */
const staging = new Map<string, RowArray>();

/** A shared array of `length` values of `Ctor` for argument `name` in `store`: the staged one, grown if needed. */
function staged<T extends RowArray>(store: Map<string, RowArray>, name: string, Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  let a = store.get(name) as T | undefined;
  if (!a || a.constructor !== Ctor || a.length < length) {
    a = shared(Ctor, length);
    store.set(name, a);
  }
  return a.subarray(0, length) as T;
}

/** `a` copied into argument `name`'s block of `store` (itself when already shared). */
function stageBlock<T extends RowArray>(store: Map<string, RowArray>, name: string, a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = staged(store, name, a.constructor as never, a.length) as T;
  out.set(a);
  return out;
}

type Stage = (name: string, a: RowArray) => RowArray;

/** A row operation's fixed arguments with each typed array among them (the weights, attack factors) passed through `stage`, once a call. */
function stageFixed(fixed: Record<string, unknown>, stage: Stage): Record<string, unknown> {
  const args = { ...fixed };
  for (const [k, v] of Object.entries(fixed)) if (ArrayBuffer.isView(v)) args[k] = stage(k, v as RowArray);
  return args;
}

/** Rows [s, e) of a row operation's arguments: each per-row input ([array, values per row]) passed through `stage`. */
function blockArgs(fixed: Record<string, unknown>, perRow: Record<string, [RowArray, number] | null>, s: number, e: number, stage: Stage): Record<string, unknown> {
  const drop = fixed.drop as { row0?: number } | null | undefined;
  const args: Record<string, unknown> = { ...fixed, drop: drop ? { ...drop, row0: s } : null };
  for (const [k, v] of Object.entries(perRow)) args[k] = v ? stage(k, v[0].subarray(s * v[1], e * v[1])) : null;
  return args;
}

/**
 * Runs row operation `op` over n rows, a block at a time: each per-row input ([array, values per row])
 * is sliced (and copied to shared memory only when threads share it), and the outputs (outWidth values
 * per row) are gathered into one plain array. Rows are independent, so blocks change no result; dropout
 * masks are keyed by the row's index from the start (drop.row0).
 */
function rowOp(pool: FastPool, op: OpName, n: number, fixed: Record<string, unknown>, perRow: Record<string, [RowArray, number] | null>, outWidth: number): Float32Array {
  const result = new Float32Array(n * outWidth);
  const stage: Stage = (k, a) => (pool.sharing ? stageBlock(staging, k, a) : a);
  const call = stageFixed(fixed, stage);
  for (let s = 0; s < n; s += BLOCK) {
    const e = Math.min(n, s + BLOCK);
    const args = blockArgs(call, perRow, s, e, stage);
    const out = pool.sharing ? staged(staging, 'out', Float32Array, (e - s) * outWidth) : result.subarray(s * outWidth, e * outWidth);
    pool.rows(op, { ...args, out }, e - s);
    if (pool.sharing) result.set(out, s * outWidth);
  }
  return result;
}

/**
 * rowOpAsync's shared blocks: a set of its own for each call in flight (a synchronous rowOp, or another
 * rowOpAsync, may run between two of its blocks), taken from here and given back for the next call, which
 * bounds the spent blocks as `staging` does.
 */
const idleStaging: Map<string, RowArray>[] = [];

/** rowOp on the pool's workers while this thread's event loop goes on (pool.rowsAsync). */
async function rowOpAsync(pool: FastPool, op: OpName, n: number, fixed: Record<string, unknown>, perRow: Record<string, [RowArray, number] | null>, outWidth: number): Promise<Float32Array> {
  const result = new Float32Array(n * outWidth);
  const own = idleStaging.pop() ?? new Map<string, RowArray>();
  const stage: Stage = (k, a) => stageBlock(own, k, a);
  const call = stageFixed(fixed, stage);
  for (let s = 0; s < n; s += BLOCK) {
    const e = Math.min(n, s + BLOCK);
    const args = blockArgs(call, perRow, s, e, stage);
    const out = staged(own, 'out', Float32Array, (e - s) * outWidth);
    // A failed block may leave a worker still writing to these: they are then not reused.
    await pool.rowsAsync(op, { ...args, out }, e - s);
    result.set(out, s * outWidth);
  }
  idleStaging.push(own);
  return result;
}

/** Class probabilities of n x F standardised rows, inference mode (as model/mlp.ts predictArray). */
export function fastProbs(model: Mlp, x: Float32Array, pool = fastPool()): Float32Array {
  const F = model.config.inputs;
  return rowOp(pool, 'probs', x.length / F, netArgs(model), { x: [x, F] }, model.config.outputs);
}

/** fastProbs on the pool's workers, leaving this thread's event loop free meanwhile: the same bits. */
export function fastProbsAsync(model: Mlp, x: Float32Array, pool = fastPool()): Promise<Float32Array> {
  const F = model.config.inputs;
  return rowOpAsync(pool, 'probs', x.length / F, netArgs(model), { x: [x, F] }, model.config.outputs);
}

/** Logits, inference mode (as Mlp.logits without dropout). */
export function fastLogits(model: Mlp, x: Float32Array, pool = fastPool()): Float32Array {
  const F = model.config.inputs;
  return rowOp(pool, 'logits', x.length / F, netArgs(model), { x: [x, F] }, model.config.outputs);
}

/** Per-jet loss, inference mode (as model/losses.ts perJetLoss of the logits). */
export function fastPerJetLoss(model: Mlp, x: Float32Array, labels: Int32Array, loss: LossConfig, pool = fastPool()): Float32Array {
  return rowOp(pool, 'loss', labels.length, { ...netArgs(model), loss: lossArgs(loss) }, { x: [x, model.config.inputs], y: [labels, 1] }, 1);
}

/** Dropout of a training-mode pass: the step's seed and the model's rate. */
export function dropoutArgs(model: Mlp, seed: number | undefined): { seed: number; keep: number; scale: number } | null {
  if (seed === undefined || model.config.dropout <= 0) return null;
  const keep = 1 - model.config.dropout;
  return { seed, keep, scale: Math.fround(1 / keep) };
}

/** Per-jet input gradients d L_i / d x_i (as attacks/gradient.ts inputGradient); dropout with `dropoutSeed`. */
export function fastInputGradient(model: Mlp, x: Float32Array, labels: Int32Array, loss: LossConfig, dropoutSeed?: number, pool = fastPool()): Float32Array {
  const F = model.config.inputs;
  return rowOp(pool, 'inputGrad', labels.length, { ...netArgs(model), loss: lossArgs(loss), drop: dropoutArgs(model, dropoutSeed) }, { x: [x, F], y: [labels, 1] }, F);
}

/**
 * Input-Hessian-vector products H_i v_i per jet (as landscape/directions.ts hessianVector, the same
 * method: J^T S J v with the logit-space S v' a central difference).
 */
export function fastHessianVector(model: Mlp, loss: LossConfig, x: Float32Array, labels: Int32Array, v: Float32Array, pool = fastPool()): Float32Array {
  const F = model.config.inputs;
  return rowOp(pool, 'hvp', labels.length, { ...netArgs(model), loss: lossArgs(loss) }, { x: [x, F], y: [labels, 1], v: [v, F] }, F);
}

/** Whether the simd kernels implement this attack (noise, shift and PGD's random start stay on tfjs). */
export function fastAttackable(spec: AttackSpec): boolean {
  return spec.kind === 'fgsm' || spec.kind === 'ngm' || (spec.kind === 'pgd' && !spec.randomStart);
}

export interface FastAttackContext {
  spec: AttackSpec & { descend?: boolean };
  loss: LossConfig;
  /** 1 where frozen, n x F. */
  frozen: Uint8Array;
  /** Per-feature eps multipliers (F). */
  factors: Float32Array;
  /** Per-entry bound on |delta| (n x F), or none. */
  cap?: Float32Array;
  /** Feature j's group index, for per-group NGM. */
  groupOf?: Int32Array;
  nGroups?: number;
  dropoutSeed?: number;
}

/** FGSM, NGM or PGD (no random start) of n x F standardised rows (as attacks/perturb.ts attackBatch). */
export function fastAttack(model: Mlp, x: Float32Array, labels: Int32Array, ctx: FastAttackContext, pool = fastPool()): Float32Array {
  if (!fastAttackable(ctx.spec)) throw new Error(`The simd kernels do not implement the ${ctx.spec.kind} attack${ctx.spec.randomStart ? ' with a random start' : ''}.`);
  const F = model.config.inputs;
  const fixed = {
    ...netArgs(model),
    loss: lossArgs(ctx.loss),
    spec: ctx.spec,
    factors: ctx.factors,
    groupOf: ctx.groupOf ?? null,
    nGroups: ctx.nGroups ?? 1,
    drop: dropoutArgs(model, ctx.dropoutSeed),
  };
  return rowOp(pool, 'attack', labels.length, fixed, { x: [x, F], y: [labels, 1], frozen: [ctx.frozen, F], cap: ctx.cap ? [ctx.cap, F] : null }, F);
}

/** The surface request of landscape/surface.ts; the kernels size their own batches. */
export type FastSurfaceRequest = Omit<SurfaceRequest, 'batchPoints'>;

/** Loss surface (as landscape/surface.ts lossSurface): mean over jets of L(x + a d1 + b d2), grid rows split over threads. */
export async function fastSurface(req: FastSurfaceRequest, pool = fastPool()): Promise<number[][]> {
  const na = req.offsetsA.length;
  const nb = req.offsetsB.length;
  const n = req.labels.length;
  const sums = output(pool, Float64Array, na * nb);
  const net = netArgs(req.model);
  const args = {
    ...net,
    params: share(pool, net.params),
    x: share(pool, req.x), y: share(pool, req.labels), d1: share(pool, req.d1), d2: share(pool, req.d2),
    offsetsA: Float64Array.from(req.offsetsA), offsetsB: Float64Array.from(req.offsetsB), loss: lossArgs(req.loss), sums,
  };
  // A few grid rows per call (about 2^18 network evaluations per thread), so progress and cancellation get through.
  const rowsPerCall = pool.threads * Math.max(1, Math.floor(262144 / Math.max(1, nb * n)));
  for (let a0 = 0; a0 < na; a0 += rowsPerCall) {
    const k = Math.min(rowsPerCall, na - a0);
    pool.rows('surface', args, k, a0, 1);
    req.onProgress?.((a0 + k) / na);
    await new Promise((r) => setImmediate(r));
  }
  return Array.from({ length: na }, (_, i) => Array.from(sums.subarray(i * nb, (i + 1) * nb), (s) => s / n));
}
