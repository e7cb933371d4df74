/**
 * Builds on demand, so a plain `npm install` is enough for `npm start` and `tagscape serve`: a bundle is
 * rebuilt only when one of its sources is newer than its oldest output. The builds run as child processes
 * of the bundlers' own command lines (devDependencies of a checkout), with our stdio.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './output.ts';

/** The checkout (or installed package) this file belongs to. */
export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the renderer bundle is built from (it imports the shared chart and API code). */
const RENDERER_SOURCES = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'shared', 'package.json'];
/** The desktop bundles are built from everything. */
const DESKTOP_SOURCES = ['main', ...RENDERER_SOURCES, 'electron.vite.config.ts'];
const DESKTOP_OUTPUTS = ['out/main/index.js', 'out/main/job-entry.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** Latest modification time under the given files and folders (0 when none exists). */
function newest(paths: string[]): number {
  return paths.reduce((t, p) => {
    if (!fs.existsSync(p)) return t;
    const st = fs.statSync(p);
    if (!st.isDirectory()) return Math.max(t, st.mtimeMs);
    return Math.max(t, newest(fs.readdirSync(p).map((e) => path.join(p, e))));
  }, 0);
}

/** True when every output exists and is newer than every source. */
function fresh(root: string, outputs: string[], sources: string[]): boolean {
  const at = (p: string) => path.join(root, p);
  const built = Math.min(...outputs.map((f) => (fs.existsSync(at(f)) ? fs.statSync(at(f)).mtimeMs : 0)));
  return built > newest(sources.map(at));
}

function runBuild(root: string, cli: string, args: string[], what: string): void {
  const bin = path.join(root, 'node_modules', ...cli.split('/'));
  if (!fs.existsSync(bin)) throw new CliError(`The ${what} is not built and ${cli.split('/')[0]} is missing; run \`npm install\` in ${root} (with its devDependencies) and try again.`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new CliError(`Building the ${what} failed (exit code ${r.status ?? r.signal}); the bundler's messages are above.`);
}

/** out/ (main, job entry, preload, renderer) for the desktop window, built when stale (electron-vite). */
export function ensureDesktopBuild(root = APP_ROOT): void {
  if (fresh(root, DESKTOP_OUTPUTS, DESKTOP_SOURCES)) return;
  runBuild(root, 'electron-vite/bin/electron-vite.js', ['build', '--logLevel', 'warn'], 'desktop app');
}

/**
 * The folder of built UI files for the loopback server: an up-to-date renderer/dist, else the renderer
 * the desktop build put in out/renderer when that one is up to date, else renderer/dist built now (vite).
 */
export function ensureRendererBuild(root = APP_ROOT): string {
  for (const dir of ['renderer/dist', 'out/renderer']) {
    if (fresh(root, [`${dir}/index.html`], RENDERER_SOURCES)) return path.join(root, dir);
  }
  runBuild(root, 'vite/bin/vite.js', ['build', '--config', path.join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], 'UI');
  return path.join(root, 'renderer', 'dist');
}
