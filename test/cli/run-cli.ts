/** The command line as the tests run it: bin/tagscape.js in a child process, from the repository root. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers.ts';

export const BIN = path.join(ROOT, 'bin', 'tagscape.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One command; TAGSCAPE_DEBUG is cleared so that errors are the one sentence a user sees. */
export function tagscape(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TAGSCAPE_DEBUG: '' }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Its stdout as JSON, once the exit code is 0. */
export function jsonOf(r: CliResult): Record<string, any> {
  assert.equal(r.code, 0, `exit code 0 expected; stderr: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function tagscapeJson(...args: string[]): Record<string, any> {
  return jsonOf(tagscape(...args));
}
