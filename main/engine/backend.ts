/**
 * Chooses the tensor backend once per process: native TensorFlow (tfjs-node) when it loads,
 * else WebAssembly, else plain JavaScript. TAGSCAPE_BACKEND forces one of them.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
// The plain JavaScript backend, registered on import: the last resort, and what tfjs uses before initBackend.
import '@tensorflow/tfjs-backend-cpu';

// Not named `require`: the main-process bundle declares one of its own at the top of every chunk.
const nodeRequire = createRequire(import.meta.url);

/**
 * Op gradients are registered by the tfjs umbrella's Node bundle (tfjs-core registers none, and its ESM
 * gradient registry cannot be imported under Node), which also loads tfjs-layers, -converter, -data and
 * -webgl: about 22 MB of resident memory that a process running the dense tagger on the simd kernels
 * never uses. Every tfjs gradient (tf.grad, tf.valueAndGrad, tf.variableGrads, ...) goes through
 * Engine.gradients, so the bundle is required there, once, on the first gradient asked for.
 */
function registerGradientsOnFirstUse(): void {
  const engine = tf.engine();
  const gradients = engine.gradients;
  engine.gradients = function (this: typeof engine, ...args: Parameters<typeof gradients>) {
    nodeRequire('@tensorflow/tfjs');
    engine.gradients = gradients;
    return gradients.apply(this, args);
  } as typeof gradients;
}
registerGradientsOnFirstUse();

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** What the jobs compute on; the status bar, `tagscape doctor` and the `backend` API operation show it. */
export interface BackendInfo {
  name: BackendName;
  /** Threads one tensor operation may use: libtensorflow's pool has one per core; wasm (threads off) and cpu run on one. */
  threads: number;
  /** Why a preferred backend was not used, e.g. "tensorflow: @tensorflow/tfjs-node is not installed". */
  fallbacks: string[];
  /** Unless native TensorFlow runs: one sentence saying why not and what to do; else null. */
  advice: string | null;
  /**
   * Which kernels run the dense tagger and on how many threads (engineInfo() fills it in): the WebAssembly
   * SIMD kernels wherever native TensorFlow is not loaded, else the tensor code on this backend.
   */
  kernels?: { path: 'simd' | 'tfjs'; threads: number };
}

let active: BackendInfo | null = null;

/** Thrown when the tfjs-node package itself is absent (not when it is there but its binding fails). */
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed';

async function tryTensorflow(): Promise<void> {
  // tfjs-node registers the 'tensorflow' backend on import; it is optional and usually absent offline.
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new Error(NOT_INSTALLED);
    throw err;
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
}

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  // Threads are off in Node: the threaded build needs worker support tfjs does not provide there.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(dist + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
}

const loaders: Record<BackendName, () => Promise<void>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 200);
}

/** Inside a packaged app the engine sits in app.asar; there is no npm to fix an install with. */
const PACKAGED = fileURLToPath(import.meta.url).split(path.sep).includes('app.asar');

/** Why native TensorFlow is not the backend, and what to do about it, in one sentence. */
function adviceFor(forced: BackendName | undefined, tensorflowError: string | undefined): string {
  if (forced) return `TAGSCAPE_BACKEND=${forced} chose this backend; unset it to use the fastest one installed.`;
  if (PACKAGED) return `Native TensorFlow did not load in this installation (${tensorflowError}); install a Tagscape package built with it for faster training.`;
  if (tensorflowError === NOT_INSTALLED) {
    return 'Native TensorFlow (@tensorflow/tfjs-node) is not installed, usually because its install script could not download libtensorflow: run `npm install` with internet access to get it.';
  }
  return `Native TensorFlow is installed but did not load (${tensorflowError}): run \`npm rebuild @tensorflow/tfjs-node\` with internet access.`;
}

/**
 * Initialise the backend (idempotent). `prefer` (or TAGSCAPE_BACKEND) forces a single backend and
 * fails loudly if it cannot load, because a forced choice that silently changes would falsify benchmarks.
 */
export async function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  if (active) return active;
  const forced = prefer ?? (process.env.TAGSCAPE_BACKEND as BackendName | undefined);
  if (forced !== undefined && !BACKENDS.includes(forced)) {
    throw new Error(`TAGSCAPE_BACKEND must be one of ${BACKENDS.join(', ')}, not "${forced}".`);
  }
  const order = forced ? [forced] : BACKENDS;
  const fallbacks: string[] = [];
  let tensorflowError: string | undefined;
  for (const name of order) {
    try {
      await loaders[name]();
      await tf.ready();
      const threads = name === 'tensorflow' ? os.availableParallelism() : 1;
      active = { name, threads, fallbacks, advice: name === 'tensorflow' ? null : adviceFor(forced, tensorflowError) };
      return active;
    } catch (err) {
      if (name === 'tensorflow') tensorflowError = firstLine(err);
      fallbacks.push(`${name}: ${firstLine(err)}`);
    }
  }
  throw new Error(`No tensor backend could be loaded (${fallbacks.join('; ')}).`);
}

export function activeBackend(): BackendName {
  if (!active) throw new Error('initBackend() has not been called');
  return active.name;
}

/** One line for people: "tensorflow (native, 8 threads)", or "wasm, simd kernels (2 threads): <advice>". */
export function describeBackend(info: BackendInfo): string {
  const threads = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const head = info.kernels?.path === 'simd'
    ? `${info.name}, simd kernels (${threads(info.kernels.threads)})`
    : `${info.name} (${info.name === 'tensorflow' ? 'native, ' : ''}${threads(info.threads)})`;
  return info.advice ? `${head}: ${info.advice}` : head;
}

export { tf };
