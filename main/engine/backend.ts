/**
 * Chooses the tensor backend once per process: native TensorFlow (tfjs-node) when it loads,
 * else WebAssembly, else plain JavaScript. TAGSCAPE_BACKEND forces one of them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// The tfjs umbrella's Node bundle registers every op's gradient (tfjs-core alone registers none; its
// ESM gradient registry cannot be imported under Node) and the cpu backend.
import '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Why a preferred backend was not used, e.g. "tensorflow: libtensorflow is not installed". */
  fallbacks: string[];
}

let active: BackendInfo | null = null;

async function tryTensorflow(): Promise<void> {
  // tfjs-node registers the 'tensorflow' backend on import; it is optional and usually absent offline.
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new Error('@tensorflow/tfjs-node is not installed');
    throw err;
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
}

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
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
  for (const name of order) {
    try {
      await loaders[name]();
      await tf.ready();
      active = { name, fallbacks };
      return active;
    } catch (err) {
      fallbacks.push(`${name}: ${firstLine(err)}`);
    }
  }
  throw new Error(`No tensor backend could be loaded (${fallbacks.join('; ')}).`);
}

export function activeBackend(): BackendName {
  if (!active) throw new Error('initBackend() has not been called');
  return active.name;
}

export { tf };
