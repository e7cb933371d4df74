/**
 * The simd kernels on several threads: the main thread plus worker_threads (native/dense-worker.mjs),
 * each with its own wasm instance. An operation's arguments are typed arrays on SharedArrayBuffers, so
 * every thread reads the same inputs and writes its own rows (or parts) of the outputs; the main thread
 * does the first share itself and then waits (Atomics.wait) until every worker has flagged its share
 * done. Row operations split rows into contiguous ranges and training steps hand out the fixed gradient
 * parts round-robin, so results do not depend on the thread count.
 */
import { Worker } from 'node:worker_threads';
import { GRAD_PARTS, runOp, type DenseKernels, type OpName } from '../../../native/dense-ops.mjs';
import { denseModule, nativeFile, threadCount } from './kernels.ts';

/** A typed array on a SharedArrayBuffer with `src`'s values (or `length` zeros). */
export function shared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(
  Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  srcOrLength: ArrayLike<number> | number,
): T {
  const length = typeof srcOrLength === 'number' ? srcOrLength : srcOrLength.length;
  const out = new Ctor(new SharedArrayBuffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT));
  if (typeof srcOrLength !== 'number') (out as unknown as { set(a: ArrayLike<number>): void }).set(srcOrLength);
  return length === 0 ? (out.subarray(0, 0) as T) : out;
}

export class FastPool {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly err: Uint8Array;
  private readonly cache = new Map<string, DenseKernels>();
  private nextId = 1;

  constructor(readonly threads: number) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, threads)));
    this.err = new Uint8Array(new SharedArrayBuffer(4096));
  }

  private ensureWorkers(): void {
    if (this.workers.length + 1 >= this.threads) return;
    const wasm = nativeFile('dense-simd.wasm');
    const script = nativeFile('dense-worker.mjs');
    for (let t = this.workers.length + 1; t < this.threads; t++) {
      const w = new Worker(script, { workerData: { wasm, ctrl: this.ctrl.buffer, err: this.err.buffer, index: t }, execArgv: [] });
      // Idle workers must not keep a finished command alive.
      w.unref();
      this.workers.push(w);
    }
  }

  /** Runs `op` with `args`; share(t) is thread t's rows or parts (thread 0 is this one). */
  private run(op: OpName, args: Record<string, unknown>, share: (t: number) => { lo: number; hi: number } | { parts: number[] }): void {
    const module = denseModule();
    if (this.threads > 1) this.ensureWorkers();
    const id = this.nextId++;
    for (let t = 1; t < this.threads; t++) {
      Atomics.store(this.ctrl, t, 0);
      this.workers[t - 1].postMessage({ id, op, args, share: share(t) });
    }
    let failure: unknown = null;
    try {
      runOp(this.cache, module, op, args, share(0));
    } catch (e) {
      failure = e;
    }
    for (let t = 1; t < this.threads; t++) {
      while (Atomics.load(this.ctrl, t) === 0) Atomics.wait(this.ctrl, t, 0);
      if (Atomics.load(this.ctrl, t) !== id && failure === null) {
        const text = new TextDecoder().decode(this.err.slice()).replace(/\0+$/, '');
        failure = new Error(`A fast-kernel worker failed: ${text}`);
      }
    }
    if (failure) throw failure;
  }

  /** Row operation over rows [lo, lo + n): contiguous ranges, one per thread. */
  rows(op: OpName, args: Record<string, unknown>, n: number, lo = 0): void {
    const per = Math.ceil(n / this.threads);
    this.run(op, args, (t) => ({ lo: lo + Math.min(n, t * per), hi: lo + Math.min(n, (t + 1) * per) }));
  }

  /** A training step's GRAD_PARTS parts, handed out round-robin. */
  parts(args: Record<string, unknown>): void {
    this.run('train', args, (t) => ({ parts: Array.from({ length: GRAD_PARTS }, (_, p) => p).filter((p) => p % this.threads === t) }));
  }

  /** Whether arguments must live on SharedArrayBuffers (more than one thread reads them). */
  get sharing(): boolean {
    return this.threads > 1;
  }

  close(): void {
    this.workers.splice(0).forEach((w) => void w.terminate());
  }
}

let defaultPool: FastPool | null = null;

/** The process's pool, with threadCount() threads. */
export function fastPool(): FastPool {
  defaultPool ??= new FastPool(threadCount());
  return defaultPool;
}
