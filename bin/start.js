#!/usr/bin/env node
// `npm start`: build the UI when needed, then open the desktop window. The Electron shell (issue #5) is
// not built yet and Electron's binary cannot be installed offline, so this says so in one line and serves
// the same UI on loopback, printing the URL. The workspace is ~/.tagscape/workspace unless
// TAGSCAPE_WORKSPACE names another; the data default to the embedded synthetic set.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'renderer', 'dist', 'index.html');
const sources = path.join(root, 'renderer', 'src');

function newest(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = path.join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

if (!fs.existsSync(dist) || newest(sources) > fs.statSync(dist).mtimeMs) {
  const b = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const workspace = process.env.TAGSCAPE_WORKSPACE ?? path.join(os.homedir(), '.tagscape', 'workspace');
process.stderr.write('Tagscape: no Electron window yet (the desktop shell, issue #5, is not built and its binary cannot be installed offline); serving the same UI on loopback instead.\n');
const server = spawn(process.execPath, [path.join(root, 'bin', 'tagscape.js'), 'serve', '--workspace', workspace, ...process.argv.slice(2)], { stdio: 'inherit' });
// Stopping `npm start` stops the server (and its job processes) too.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
