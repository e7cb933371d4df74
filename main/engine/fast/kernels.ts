/**
 * Which kernels run the dense tagger, chosen once per process: 'simd', the WebAssembly SIMD kernels of
 * native/dense-simd.c (the default wherever native TensorFlow is not loaded), or 'tfjs', the tensor code
 * of model/, attacks/ and landscape/ (the reference, and the path native TensorFlow takes).
 * TAGSCAPE_KERNELS=tfjs|simd forces one; TAGSCAPE_THREADS sets the threads of the simd kernels
 * (default: the machine's cores).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeBackend } from '../backend.ts';

export type KernelPath = 'simd' | 'tfjs';
export const KERNEL_PATHS: readonly KernelPath[] = ['simd', 'tfjs'];

/**
 * A file of native/, found by walking up from this module: main/engine/fast/ in the sources, out/main/ in
 * the bundle, and inside a packaged app the unpacked copy next to app.asar (worker threads and fs read
 * real files there, as backend.ts does for tfjs's wasm files).
 */
export function nativeFile(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const base of [dir.replace(`${path.sep}app.asar`, `${path.sep}app.asar.unpacked`), dir]) {
      const p = path.join(base, 'native', name);
      if (fs.existsSync(p)) return p;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`The fast kernels' file native/${name} is missing from this installation; reinstall, or set TAGSCAPE_KERNELS=tfjs.`);
    dir = up;
  }
}

let mod: WebAssembly.Module | null = null;

/** The compiled kernels (synchronously, once). */
export function denseModule(): WebAssembly.Module {
  mod ??= new WebAssembly.Module(fs.readFileSync(nativeFile('dense-simd.wasm')));
  return mod;
}

let chosen: KernelPath | null = null;

function backendName(): string | null {
  try {
    return activeBackend();
  } catch {
    return null;
  }
}

/** The kernel path of this process (decided on first call; the tensor backend should be initialised first). */
export function kernelPath(): KernelPath {
  if (chosen) return chosen;
  const forced = process.env.TAGSCAPE_KERNELS;
  if (forced !== undefined && forced !== '' && !KERNEL_PATHS.includes(forced as KernelPath)) {
    throw new Error(`TAGSCAPE_KERNELS must be one of ${KERNEL_PATHS.join(', ')}, not "${forced}".`);
  }
  if (forced) {
    if (forced === 'simd') denseModule();
    chosen = forced as KernelPath;
  } else if (backendName() === 'tensorflow') {
    chosen = 'tfjs';
  } else {
    try {
      denseModule();
      chosen = 'simd';
    } catch {
      chosen = 'tfjs';
    }
  }
  return chosen;
}

/** For tests: choose the path explicitly (null = decide again from the environment). */
export function setKernelPath(p: KernelPath | null): void {
  if (p === 'simd') denseModule();
  chosen = p;
}

/** Threads of the simd kernels: TAGSCAPE_THREADS, else the machine's cores. */
export function threadCount(): number {
  const env = process.env.TAGSCAPE_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`TAGSCAPE_THREADS must be a whole number from 1 to 256, not "${env}".`);
    return n;
  }
  return Math.max(1, os.availableParallelism());
}
