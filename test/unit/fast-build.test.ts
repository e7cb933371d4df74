// native/dense-simd.wasm is built from native/dense-simd.c by `npm run build:wasm` and committed. Where the
// toolchain it was built with (native/dense-simd.toolchain) is installed, rebuilding gives the same bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tmpDir } from '../helpers.ts';

const recorded = fs.readFileSync(path.join(ROOT, 'native', 'dense-simd.toolchain'), 'utf8').trim();
const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
const installed = clang.status === 0 ? clang.stdout.split('\n')[0].trim() : null;
const lld = spawnSync('wasm-ld', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !installed || !lld
  ? 'clang and wasm-ld are not installed (apt-get install -y clang lld); the committed native/dense-simd.wasm is not rebuilt'
  : installed !== recorded
    ? `clang here is "${installed}", the committed wasm was built with "${recorded}"; byte identity holds only for the same toolchain`
    : false;

describe('the committed kernels', () => {
  it('rebuild from native/dense-simd.c to identical bytes', { skip }, () => {
    const out = path.join(tmpDir(), 'dense-simd.wasm');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-wasm.js'), '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.readFileSync(out).equals(fs.readFileSync(path.join(ROOT, 'native', 'dense-simd.wasm'))), 'the rebuilt wasm differs from the committed one: run `npm run build:wasm` and commit');
  });

  it('export the kernels the engine calls and import only their memory', () => {
    const mod = new WebAssembly.Module(fs.readFileSync(path.join(ROOT, 'native', 'dense-simd.wasm')));
    const m = mod as unknown as object;
    const W = WebAssembly as unknown as { Module: { imports(m: object): { module: string; name: string; kind: string }[]; exports(m: object): { name: string }[] } };
    assert.deepEqual(W.Module.imports(m), [{ module: 'env', name: 'memory', kind: 'memory' }]);
    const names = W.Module.exports(m).map((e) => e.name);
    for (const f of ['matmul', 'matmul_tn', 'matmul_nt', 'forward', 'loss', 'softmax', 'backward', 'add_into', 'adam', '__heap_base']) assert.ok(names.includes(f), f);
  });
});
