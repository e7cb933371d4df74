/**
 * The Electron executable of the `electron` package, found and fetched as that package does it, but
 * under our control. Since Electron 42 nothing downloads the binary at install time: the package fetches
 * it on the first require('electron'), with no time limit and no way to fall back. Here its own install.js
 * runs as a child process instead, so everything it honours keeps working (ELECTRON_MIRROR and the other
 * mirror settings, electron_config_cache, electron_use_remote_checksums, the checksum check, the zip
 * cache that makes a second download unnecessary), while we watch its progress and stop it when stuck.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ElectronPackage {
  /** node_modules/electron */
  dir: string;
  version: string;
}

/** The electron package the app at `root` would load, or null when it is not installed. */
export function electronPackage(root: string): ElectronPackage | null {
  try {
    const pkg = createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
    return { dir: path.dirname(pkg), version: (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version };
  } catch {
    return null;
  }
}

/**
 * Where the executable is, present or not, read as the package's index.js reads it: path.txt names it
 * inside dist/ (or inside ELECTRON_OVERRIDE_DIST_PATH). install.js writes path.txt after extracting, so
 * without an override a dist/ with no path.txt is an unfinished download: null.
 */
export function electronExecutable(pkg: ElectronPackage): string | null {
  const pathFile = path.join(pkg.dir, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return path.join(override, name ?? 'electron');
  return name ? path.join(pkg.dir, 'dist', name) : null;
}

/** The executable when it is there. */
export function electronBinary(pkg: ElectronPackage | null): string | null {
  const exe = pkg && electronExecutable(pkg);
  return exe && fs.existsSync(exe) ? exe : null;
}

export interface DownloadOptions {
  /** Give up when this long passes without a byte from the network. @default 20000 */
  stallMs?: number;
  /** Called with the bytes downloaded and extracted so far, whenever either grows. */
  onProgress?(progress: { downloaded: number; extracted: number }): void;
}

export type DownloadResult = { binary: string } | { reason: string };

/** Bytes of the files under a folder (0 when it does not exist). */
function bytesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    try {
      total += fs.statSync(path.join(e.parentPath, e.name)).size;
    } catch {
      // renamed or removed meanwhile
    }
  }
  return total;
}

/** The error install.js printed (its stack's first line), without the error's class name. */
function reasonFrom(stderr: string): string | null {
  const line = stderr.split('\n').find((l) => /^\w*Error\b.*?: /.test(l));
  return line ? line.replace(/^\w*Error\b.*?: /, '').trim() : null;
}

const FETCH_REASONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fetch-reasons.cjs');

/**
 * Run the electron package's install.js. @electron/get downloads into os.tmpdir(), here a folder of our
 * own, and extracts into the package's dist/: the bytes in both measure progress. It does not retry, and
 * offline the name lookup fails at once; a mirror that accepts the connection but sends nothing is
 * stopped after `stallMs`.
 */
export async function downloadElectron(pkg: ElectronPackage, options: DownloadOptions = {}): Promise<DownloadResult> {
  const stallMs = options.stallMs ?? 20_000;
  // Whatever dist/ holds without a working binary is an interrupted extraction: start from nothing.
  fs.rmSync(path.join(pkg.dir, 'dist'), { recursive: true, force: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-electron-'));
  const env = { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp, ELECTRON_GET_NO_PROGRESS: '1' };
  const child = spawn(process.execPath, ['--require', FETCH_REASONS, path.join(pkg.dir, 'install.js')], { cwd: pkg.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 64 << 10) stderr += d.toString();
  });
  const seen = { downloaded: 0, extracted: 0 };
  let lastGrowth = Date.now();
  // Only the network can stall: once the zip is complete (it moves to the cache) or extraction has begun,
  // what is left is local disk work, however slow.
  let network = true;
  let stalled = false;
  const watch = setInterval(() => {
    const downloaded = bytesUnder(tmp);
    const extracted = bytesUnder(path.join(pkg.dir, 'dist'));
    if (extracted > 0 || downloaded < seen.downloaded) network = false;
    if (downloaded > seen.downloaded || extracted > seen.extracted) {
      seen.downloaded = Math.max(downloaded, seen.downloaded);
      seen.extracted = Math.max(extracted, seen.extracted);
      lastGrowth = Date.now();
      options.onProgress?.({ downloaded, extracted });
    } else if (network && !stalled && Date.now() - lastGrowth > stallMs) {
      stalled = true;
      child.kill();
    }
  }, 250);
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  clearInterval(watch);
  fs.rmSync(tmp, { recursive: true, force: true });
  const binary = electronBinary(pkg);
  if (exit.code === 0 && binary) return { binary };
  if (stalled) return { reason: `nothing arrived for ${Math.round(stallMs / 1000)} s` };
  return { reason: exit.error?.message ?? reasonFrom(stderr) ?? `its install script exited with code ${exit.code}` };
}
