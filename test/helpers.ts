import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../main/engine/backend.ts';
import type { JobManager } from '../main/jobs/job-manager.ts';
import type { JobInfo } from '../shared/api/contract.ts';
import type { JetDataset } from '../main/engine/data/dataset.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** ../shared/data beside the project, when this checkout has it. */
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
export const hasSharedData = fs.existsSync(SHARED_DATA);
export const SHARED_SKIP = hasSharedData ? false : `../shared/data is not beside this checkout (${SHARED_DATA}); reference-data tests skipped`;

export function tmpDir(prefix = 'tagscape-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function backend(): Promise<string> {
  return (await initBackend()).name;
}

export function assertClose(actual: number, expected: number, tol: number, what = 'value'): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected} ± ${tol}, got ${actual}`);
  }
}

/** What the renderer bundle is built from: its sources, the shared chart and API code, the dependency versions. */
const RENDERER_INPUTS = ['renderer', 'shared', 'package-lock.json'];
const NOT_INPUTS = new Set(['dist', 'node_modules']);

function rendererInputsHash(): string {
  const hash = crypto.createHash('sha256');
  const walk = (rel: string): void => {
    const abs = path.join(ROOT, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) if (!NOT_INPUTS.has(name)) walk(path.join(rel, name));
      return;
    }
    hash.update(`${rel}\0`).update(fs.readFileSync(abs)).update('\0');
  };
  RENDERER_INPUTS.forEach(walk);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The built renderer (for `serve({ staticDir })`), built once per version of its sources: the bundle is
 * cached in os.tmpdir()/tagscape-ui-<hash of the inputs>, so the browser tests share one build instead of
 * a build each. Each build goes into its own temporary folder that is then renamed into place, an atomic
 * step, so test files running in parallel never see a half-written bundle; a loser of that race keeps
 * the winner's copy. Sources edited during the build are not cached under the old hash.
 */
export async function builtRenderer(): Promise<string> {
  const hash = rendererInputsHash();
  const dir = path.join(os.tmpdir(), `tagscape-ui-${hash}`);
  if (fs.existsSync(dir)) return dir;
  // Loaded here: most tests import this file and need no bundler.
  const { build } = await import('vite');
  const partial = fs.mkdtempSync(`${dir}.partial-`);
  await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), build: { outDir: partial, emptyOutDir: true }, logLevel: 'error' });
  if (rendererInputsHash() !== hash) return partial;
  try {
    fs.renameSync(partial, dir);
  } catch (e) {
    if (!['EEXIST', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    fs.rmSync(partial, { recursive: true, force: true });
  }
  pruneOldBuilds(dir);
  return dir;
}

/** Builds of earlier source versions, once a day old: no test run still serves them. */
function pruneOldBuilds(keep: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(os.tmpdir())) {
    const p = path.join(os.tmpdir(), name);
    if (!/^tagscape-ui-[0-9a-f]{16}(\.partial-\w+)?$/.test(name) || p === keep) continue;
    // Another test process may be pruning the same folder.
    if ((fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < dayAgo) fs.rmSync(p, { recursive: true, force: true });
  }
}

export const jobEnded = (j: JobInfo) => ['complete', 'failed', 'cancelled'].includes(j.status);

/** The job once `until` holds (by default once it has ended); `messages` collects every message it showed. */
export function waitForJob(jobs: JobManager, id: string, until: (j: JobInfo) => boolean = jobEnded, messages: string[] = [], timeoutMs = 240_000): Promise<JobInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      jobs.off('job', check);
      reject(new Error(`job ${id} did not reach the expected state; last: ${jobs.get(id).status}, ${jobs.get(id).message}`));
    }, timeoutMs);
    function check(j: JobInfo) {
      if (j.id !== id) return;
      messages.push(j.message);
      if (until(j)) {
        jobs.off('job', check);
        clearTimeout(timer);
        resolve(j);
      }
    }
    jobs.on('job', check);
    check(jobs.get(id));
  });
}

/**
 * `base` repeated `reps` times, jet for jet: a large set for tables and scoring without generating it
 * (generating 100k jets takes the event model minutes here).
 */
export function repeatedJets(base: JetDataset, reps: number): JetDataset {
  const features = new Float32Array(base.features.length * reps);
  const labels = new Int32Array(base.n * reps);
  for (let r = 0; r < reps; r++) {
    features.set(base.features, r * base.features.length);
    labels.set(base.labels, r * base.n);
  }
  return { ...base, n: base.n * reps, features, labels, weights: undefined, source: { ...base.source, hash: `${base.source.hash}-x${reps}` } };
}

