/**
 * The simd kernels on several threads: the main thread plus worker_threads (native/dense-worker.mjs),
 * each with its own wasm instance. An operation's arguments are typed arrays on SharedArrayBuffers, so
 * every thread reads the same inputs; its work is cut into chunks (row ranges, or the fixed gradient parts
 * of a training step) that the threads take from a shared counter, each writing only its chunk's outputs,
 * and the main thread waits (Atomics.wait) until no chunk is left or in flight. Results therefore do not
 * depend on the thread count or on which thread took which chunk.
 *
 * Waiting with Atomics.wait blocks the calling thread's event loop for the whole operation. A caller that
 * must stay responsive (the loopback server and the Electron main process scoring the Data page's jet
 * table) uses rowsAsync instead: `threads` workers take every chunk, the caller takes none and awaits
 * each worker's reply, so its event loop runs meanwhile. Same chunks, same kernels: the same bits.
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
  /** Replies awaited by rowsAsync, by id: each resolves with the worker's error text, or null. */
  private readonly replies = new Map<number, (error: string | null) => void>();
  private nextReply = 0;
  /** rowsAsync operations in flight: while any is, the workers keep the process alive. */
  private awaiting = 0;

  constructor(readonly threads: number) {
    this.err = new Uint8Array(new SharedArrayBuffer(4096));
  }

  /** At least `count` workers. */
  private ensureWorkers(count: number): void {
    if (this.workers.length >= count) return;
    const wasm = nativeFile('dense-simd.wasm');
    const script = nativeFile('dense-worker.mjs');
    while (this.workers.length < count) {
      const w = new Worker(script, { workerData: { wasm, err: this.err.buffer }, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      w.on('message', ({ reply, error }: { reply: number; error: string | null }) => this.replies.get(reply)?.(error));
      // A worker that is gone answers nothing: what awaits it fails rather than waiting for ever.
      w.on('exit', () => {
        const i = this.workers.indexOf(w);
        if (i >= 0) this.workers.splice(i, 1);
        this.failAwaited('a worker thread ended');
      });
      // Idle workers must not keep a finished command alive.
      if (this.awaiting === 0) w.unref();
      this.workers.push(w);
    }
  }

  /** Starts the worker threads now, so that they are up (a thread takes tens of ms to start) before the first operation. */
  warm(): void {
    if (this.threads > 1) this.ensureWorkers(this.threads - 1);
  }

  /**
   * Runs `op` over `chunks` on every thread (takeChunks), this one included, and returns once no chunk is
   * left or in flight.
   */
  private run(op: OpName, args: Record<string, unknown>, chunks: Share[]): void {
    const module = denseModule();
    const sync = new Int32Array(new SharedArrayBuffer(12));
    if (this.threads > 1 && chunks.length > 1) {
      this.ensureWorkers(this.threads - 1);
      for (const w of this.workers.slice(0, this.threads - 1)) w.postMessage({ op, args, chunks, sync });
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
   * Runs `op` over `chunks` on `threads` workers while this thread's event loop goes on; resolves once
   * every worker has answered, so no chunk is left or in flight.
   */
  private async runAsync(op: OpName, args: Record<string, unknown>, chunks: Share[]): Promise<void> {
    this.ensureWorkers(this.threads);
    const workers = this.workers.slice(0, this.threads);
    const sync = new Int32Array(new SharedArrayBuffer(12));
    if (this.awaiting++ === 0) this.workers.forEach((w) => w.ref());
    try {
      const errors = await Promise.all(
        workers.map((w) => {
          const reply = this.nextReply++;
          return new Promise<string | null>((resolve) => {
            this.replies.set(reply, resolve);
            w.postMessage({ op, args, chunks, sync, reply });
          }).finally(() => this.replies.delete(reply));
        }),
      );
      const failed = errors.find((e) => e !== null);
      if (failed !== undefined || Atomics.load(sync, 2) !== 0) throw new Error(`A fast-kernel worker failed: ${failed ?? 'no message'}`);
    } finally {
      if (--this.awaiting === 0) this.workers.forEach((w) => w.unref());
    }
  }

  /**
   * Row operation over rows [lo, lo + n): one chunk on one thread, else chunks of at least `minRows` rows,
   * about four per thread, so a slow thread takes fewer.
   */
  rows(op: OpName, args: Record<string, unknown>, n: number, lo = 0, minRows = 128): void {
    this.run(op, args, this.rowChunks(n, lo, minRows));
  }

  /** rows() without blocking this thread: the workers take every chunk (see the file's comment). Its arguments must be on SharedArrayBuffers. */
  rowsAsync(op: OpName, args: Record<string, unknown>, n: number, lo = 0, minRows = 128): Promise<void> {
    return this.runAsync(op, args, this.rowChunks(n, lo, minRows));
  }

  private rowChunks(n: number, lo: number, minRows: number): Share[] {
    const size = this.threads > 1 ? Math.max(minRows, Math.ceil(n / (4 * this.threads))) : Math.max(1, n);
    const chunks: Share[] = [];
    for (let s = 0; s < n; s += size) chunks.push({ lo: lo + s, hi: lo + Math.min(n, s + size) });
    return chunks;
  }

  /** A training step's GRAD_PARTS parts, one chunk each. */
  parts(args: Record<string, unknown>): void {
    this.run('train', args, Array.from({ length: GRAD_PARTS }, (_, p) => ({ parts: [p] })));
  }

  /** Whether arguments must live on SharedArrayBuffers (more than one thread reads them). */
  get sharing(): boolean {
    return this.threads > 1;
  }

  private failAwaited(why: string): void {
    for (const resolve of [...this.replies.values()]) resolve(why);
  }

  close(): void {
    this.workers.splice(0).forEach((w) => void w.terminate());
    this.failAwaited('the fast kernels were closed');
  }
}

let defaultPool: FastPool | null = null;

/** The process's pool, with threadCount() threads. */
export function fastPool(): FastPool {
  defaultPool ??= new FastPool(threadCount());
  return defaultPool;
}
