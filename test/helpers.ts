import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../main/engine/backend.ts';

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
