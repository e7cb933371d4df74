#!/usr/bin/env node
// `npm start`: build the desktop bundles when the sources are newer (electron-vite, into out/), then open
// the Electron window. Without the Electron binary (an offline install cannot download it) this says so
// in one line and serves the same UI on loopback instead, printing the URL to open in a browser.
// The workspace is ~/.tagscape/workspace unless TAGSCAPE_WORKSPACE names another, in both cases; the
// Train page defaults to the embedded synthetic data. Arguments are passed on to Electron or to `serve`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Latest modification time under the given files and folders (0 when none exists). */
function newest(...entries) {
  return entries.reduce((t, p) => {
    if (!fs.existsSync(p)) return t;
    const st = fs.statSync(p);
    if (!st.isDirectory()) return Math.max(t, st.mtimeMs);
    return Math.max(t, newest(...fs.readdirSync(p).map((e) => path.join(p, e))));
  }, 0);
}

/** Build with `script` unless every output is newer than every source. */
function buildIfStale(outputs, sources, script) {
  const built = Math.min(...outputs.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  if (built > newest(...sources)) return;
  const b = spawnSync(process.execPath, script, { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/**
 * The Electron executable, found the way the electron package finds it (path.txt, or
 * ELECTRON_OVERRIDE_DIST_PATH) but without require('electron'), which would try to download it.
 */
function electronBinary() {
  let dir;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(dir, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const exe = override ? path.join(override, name || 'electron') : name ? path.join(dir, 'dist', name) : null;
  return exe && fs.existsSync(exe) ? exe : null;
}

/** Run a child with our stdio; stopping `npm start` stops it (and its job processes) too. */
function runChild(command, childArgs, env = process.env) {
  const child = spawn(command, childArgs, { stdio: 'inherit', env });
  let stopped = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      stopped = true;
      child.kill(sig);
    });
  }
  // Killed by a signal we did not pass on means it crashed: not a success.
  child.on('exit', (code, signal) => process.exit(code ?? (signal && !stopped ? 1 : 0)));
}

const electron = electronBinary();
if (electron) {
  const sources = ['main', 'shared', 'renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'electron.vite.config.ts', 'package.json'].map((p) => path.join(root, p));
  const outputs = ['out/main/index.js', 'out/main/job-entry.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => path.join(root, p));
  buildIfStale(outputs, sources, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn']);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would run the app as plain Node with no window
  runChild(electron, [root, ...args], env);
} else {
  buildIfStale([path.join(root, 'renderer', 'dist', 'index.html')], [path.join(root, 'renderer', 'src')], [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn']);
  const workspace = process.env.TAGSCAPE_WORKSPACE ?? path.join(os.homedir(), '.tagscape', 'workspace');
  process.stderr.write('Tagscape: the Electron binary is missing (it cannot be downloaded offline; online, `node node_modules/electron/install.js` fetches it), so the same UI is served on loopback instead: open the URL below in a browser.\n');
  runChild(process.execPath, [path.join(root, 'bin', 'tagscape.js'), 'serve', '--workspace', workspace, ...args]);
}
