import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { ROOT } from './helpers.ts';

it('the engine, CLI, server and tests type-check under strict mode', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

it('the renderer (Vue single-file components included) type-checks under strict mode', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vue-tsc/bin/vue-tsc.js'), '-p', 'renderer/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
