#!/usr/bin/env node
// `npm run build:wasm [-- --out FILE]`: compiles native/dense-simd.c into native/dense-simd.wasm (committed)
// with Debian's clang and lld: wasm32, SIMD128, -O3, no libc, memory imported from JavaScript. The
// toolchain it was built with is recorded in native/dense-simd.toolchain; test/unit/fast-build.test.ts
// rebuilds it with the same toolchain and checks the bytes are identical.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : path.join(root, 'native', 'dense-simd.wasm');
const clang = process.env.CLANG ?? 'clang';

export const FLAGS = [
  '--target=wasm32', '-msimd128', '-O3', '-nostdlib', '-ffreestanding', '-Wall', '-Werror',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--export=__heap_base', '-Wl,--strip-all', '-Wl,-z,stack-size=65536',
];

try {
  execFileSync(clang, [...FLAGS, '-o', out, path.join(root, 'native', 'dense-simd.c')], { stdio: 'inherit' });
} catch (e) {
  console.error(`build:wasm: ${clang} failed (${e.message.split('\n')[0]}); install clang and lld (apt-get install -y clang lld).`);
  process.exit(1);
}
if (outIdx < 0) {
  const version = execFileSync(clang, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  fs.writeFileSync(path.join(root, 'native', 'dense-simd.toolchain'), `${version}\n`);
}
console.error(`build:wasm: wrote ${path.relative(process.cwd(), out)} (${fs.statSync(out).size} bytes)`);
