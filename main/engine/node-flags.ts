/**
 * V8 flags every engine process starts with: the command line (bin/tagscape.js's shebang), job
 * processes, scan tasks and the loopback server (`npm start`). V8's young generation grows to three
 * 16 MB semi-spaces by default; the engine keeps its bulk data in typed arrays, so short-lived objects
 * are few and a 1 MB semi-space costs no measurable speed while it lowers every process's peak memory
 * by 30-60 MB (docs/performance.md, "Memory with 1M jets"). `--expose-gc` lets a step that has just let a
 * few hundred MB of rows go collect them before it reads more (collectGarbage); V8 would otherwise wait
 * until 64 MB more were allocated. Flags, not code: V8 reads them at start-up.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--expose-gc'];

/**
 * Collects now, where the process runs with ENGINE_NODE_FLAGS (elsewhere, e.g. under the test runner, a
 * no-op): for the moment after a large array was let go and before the next step allocates.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The kernels' worker threads get the same young generation (worker_threads resourceLimits, MB). */
export const WORKER_YOUNG_GENERATION_MB = 3;
