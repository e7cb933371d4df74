/**
 * `npm start` (bin/start.js): the desktop window, or the same UI on loopback when there can be no window.
 * - The Electron binary is fetched on the first start (electron-binary.ts: the electron package's own
 *   install.js, one progress line) and reused afterwards.
 * - With a binary: out/ is rebuilt when the sources are newer, and Electron opens the app folder.
 * - Without one (offline, a refused mirror): one sentence says why and how to retry, and `tagscape serve`
 *   serves the UI on loopback, printing the URL to open in a browser.
 * The workspace is ~/.tagscape/workspace unless TAGSCAPE_WORKSPACE names another, in both cases. Arguments
 * are passed on to Electron or to `serve`.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { downloadElectron, electronBinary, electronPackage, type DownloadResult, type ElectronPackage } from './electron-binary.ts';
import { ENGINE_NODE_FLAGS } from '../engine/node-flags.ts';
import { makeOut } from './output.ts';
import { APP_ROOT, ensureDesktopBuild } from './ui-build.ts';

/** Run a child with our stdio; stopping `npm start` stops it (and its job processes) too. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const child = spawn(command, args, { stdio: 'inherit', env });
  let stopped = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      stopped = true;
      child.kill(sig);
    });
  }
  // Killed by a signal we did not pass on means it crashed: not a success.
  child.on('exit', (code, signal) => process.exit(code ?? (signal && !stopped ? 1 : 0)));
}

/** The first-start download, shown as one line (redrawn with the bytes so far on a terminal). */
async function download(pkg: ElectronPackage): Promise<DownloadResult> {
  const { progress } = makeOut(false);
  const what = `Tagscape: downloading Electron ${pkg.version} for the desktop window (first start only)`;
  if (process.stderr.isTTY) progress.update(`${what}…`);
  else progress.line(`${what}…`);
  // The zip leaves the download folder for the cache once complete: keep its last size. None from a cached zip.
  let mb = '';
  const result = await downloadElectron(pkg, {
    onProgress: ({ downloaded, extracted }) => {
      if (downloaded) mb = `${(downloaded / 1e6).toFixed(1)} MB`;
      progress.update(`${what}: ${[mb, extracted ? 'extracting' : ''].filter(Boolean).join(', ')}`);
    },
  });
  // On a terminal the redrawn line stays as it ended; elsewhere the first line was the only one.
  if (process.stderr.isTTY) progress.line(`${what}: ${'binary' in result ? [mb, 'done'].filter(Boolean).join(', ') : 'failed'}`);
  return result;
}

/** The Electron binary, downloaded if need be; or why there is none and what would give one, in one sentence. */
async function findElectron(): Promise<{ binary: string } | { why: string }> {
  // Over SSH or on a headless server a window cannot open: serve the UI (forward the port) instead.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { why: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set, as over SSH); start it from a desktop session to get the window' };
  }
  const pkg = electronPackage(APP_ROOT);
  const binary = electronBinary(pkg);
  if (binary) return { binary };
  if (!pkg) return { why: 'the electron package is not installed; run `npm install` and then `npm start` again to get the window' };
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return { why: `ELECTRON_OVERRIDE_DIST_PATH names ${override}, which holds no Electron executable; point it at an unpacked Electron ${pkg.version} or unset it` };
  const got = await download(pkg);
  if ('binary' in got) return got;
  return { why: `Electron ${pkg.version} could not be downloaded (${got.reason}); run \`npm start\` again with internet access, or with ELECTRON_MIRROR naming a reachable mirror, to get the window` };
}

/** Where `npm start`, the window and `tagscape doctor` keep their runs. */
export function defaultWorkspace(): string {
  return process.env.TAGSCAPE_WORKSPACE ?? path.join(os.homedir(), '.tagscape', 'workspace');
}

export async function start(args: string[]): Promise<void> {
  const electron = await findElectron();
  if ('binary' in electron) {
    ensureDesktopBuild();
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // set, it would run the app as plain Node with no window
    // Electron's main process (where the Data page's operations run) takes V8 flags only on its command line.
    runChild(electron.binary, [`--js-flags=${ENGINE_NODE_FLAGS.join(' ')}`, APP_ROOT, ...args], env);
    return;
  }
  const workspace = defaultWorkspace();
  process.stderr.write(`Tagscape: no desktop window, because ${electron.why}. The same UI is served on loopback instead: open the URL below in a browser.\n`);
  runChild(process.execPath, [...ENGINE_NODE_FLAGS, path.join(APP_ROOT, 'bin', 'tagscape.js'), 'serve', '--workspace', workspace, ...args]);
}
