/**
 * The simd kernels on several threads: the main thread plus worker_threads (native/dense-worker.mjs),
 * each with its own wasm instance. An operation's arguments are typed arrays on SharedArrayBuffers, so
 * every thread reads the same inputs; its work is cut into chunks (row ranges, or the fixed gradient parts
 * of a training step) that the threads take from a shared counter, each writing only its chunk's outputs,
 * and the main thread waits (Atomics.wait) until no chunk is left or in flight. Results therefore do not
 * depend on the thread count or on which thread took which chunk.
 */
import { Worker } from 'node:worker_threads';
import { GRAD_PARTS, takeChunks, type DenseKernels, type OpName, type Share } from '../../../native/dense-ops.mjs';
import { WORKER_YOUNG_GENERATION_MB } from '../node-flags.ts';
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
  private readonly err: Uint8Array;
  private readonly cache = new Map<string, DenseKernels>();

  constructor(readonly threads: number) {
    this.err = new Uint8Array(new SharedArrayBuffer(4096));
  }

  private ensureWorkers(): void {
    if (this.workers.length + 1 >= this.threads) return;
    const wasm = nativeFile('dense-simd.wasm');
    const script = nativeFile('dense-worker.mjs');
    for (let t = this.workers.length + 1; t < this.threads; t++) {
      const w = new Worker(script, { workerData: { wasm, err: this.err.buffer }, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      // Idle workers must not keep a finished command alive.
      w.unref();
      this.workers.push(w);
    }
  }

  /**
   * Runs `op` over `chunks` on every thread (takeChunks), this one included, and returns once no chunk is
   * left or in flight.
   */
  private run(op: OpName, args: Record<string, unknown>, chunks: Share[]): void {
    const module = denseModule();
    const sync = new Int32Array(new SharedArrayBuffer(12));
    if (this.threads > 1 && chunks.length > 1) {
      this.ensureWorkers();
      for (const w of this.workers) w.postMessage({ op, args, chunks, sync });
    }
    let failure: unknown = null;
    try {
      takeChunks(this.cache, module, op, args, chunks, sync);
    } catch (e) {
      failure = e;
    }
    for (let inFlight = Atomics.load(sync, 1); inFlight !== 0; inFlight = Atomics.load(sync, 1)) Atomics.wait(sync, 1, inFlight);
    if (failure) throw failure;
    if (Atomics.load(sync, 2) !== 0) {
      const text = new TextDecoder().decode(this.err.slice()).replace(/\0+$/, '');
      throw new Error(`A fast-kernel worker failed: ${text || 'no message'}`);
    }
  }

  /**
   * Row operation over rows [lo, lo + n): one chunk on one thread, else chunks of at least `minRows` rows,
   * about four per thread, so a slow thread takes fewer.
   */
  rows(op: OpName, args: Record<string, unknown>, n: number, lo = 0, minRows = 128): void {
    const size = this.threads > 1 ? Math.max(minRows, Math.ceil(n / (4 * this.threads))) : Math.max(1, n);
    const chunks: Share[] = [];
    for (let s = 0; s < n; s += size) chunks.push({ lo: lo + s, hi: lo + Math.min(n, s + size) });
    this.run(op, args, chunks);
  }

  /** A training step's GRAD_PARTS parts, one chunk each. */
  parts(args: Record<string, unknown>): void {
    this.run('train', args, Array.from({ length: GRAD_PARTS }, (_, p) => ({ parts: [p] })));
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
