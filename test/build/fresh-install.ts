/**
 * Helpers for the install tests: a copy of the checkout as a user's `npm install` leaves it, a loopback
 * Electron mirror serving a stand-in release, and processes that print the loopback UI's URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { ROOT, tmpDir } from '../helpers.ts';

/** What a fresh clone holds besides node_modules; build outputs (out/, renderer/dist, dist/) are left out. */
const NOT_COPIED = new Set(['node_modules', '.git', 'out', 'dist', 'test', 'scratch', 'tmp', '.tagscape'].map((p) => path.join(ROOT, p)).concat(path.join(ROOT, 'renderer', 'dist')));

/** The checkout's sources, as a fresh clone has them, in a temporary folder. */
export function sourceCopy(prefix = 'tagscape-install-'): string {
  const app = tmpDir(prefix);
  for (const name of fs.readdirSync(ROOT)) {
    const from = path.join(ROOT, name);
    if (!NOT_COPIED.has(from)) fs.cpSync(from, path.join(app, name), { recursive: true, filter: (src) => !NOT_COPIED.has(src) });
  }
  return app;
}

/**
 * The sources with a node_modules of links to this checkout's packages except electron, which is a copy
 * without its binary (no dist/, no path.txt): whatever a test downloads lands in the copy, never in the
 * real node_modules/electron, which later `npm start`s would launch.
 */
export function freshInstall(): string {
  const app = sourceCopy();
  const modules = path.join(app, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name !== 'electron') fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  }
  const electron = path.join(ROOT, 'node_modules', 'electron');
  fs.cpSync(electron, path.join(modules, 'electron'), { recursive: true, filter: (src) => src !== path.join(electron, 'dist') && src !== path.join(electron, 'path.txt') });
  return app;
}

/** The environment of a user's shell: no Electron settings of this machine or of an `npm test` run. */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(electron_|npm_config_electron|ELECTRON_|force_no_cache)/i.test(k)));
  return { ...env, ...extra };
}

export interface Mirror {
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An Electron release mirror on loopback (ELECTRON_MIRROR's layout: v<version>/<file>) holding a zip with a
 * stand-in executable (a shell script writing how it was started to `record`) and its SHASUMS256.txt.
 */
export async function standInMirror(version: string, record: string): Promise<Mirror> {
  const script = `#!/bin/sh\nexec "${process.execPath}" -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ args: process.argv.slice(2), runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null }))' "${record}" "$@"\n`;
  const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  // Unix mode 0755 in the entry's external attributes, as in Electron's own zips.
  const zip = Buffer.from(zipSync({ electron: [strToU8(script), { os: 3, attrs: (0o100755 << 16) >>> 0 }], version: strToU8(`v${version}`) }));
  const files: Record<string, Buffer> = {
    [`/v${version}/${zipName}`]: zip,
    [`/v${version}/SHASUMS256.txt`]: Buffer.from(`${crypto.createHash('sha256').update(zip).digest('hex')} *${zipName}\n`),
  };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-length': body ? body.length : 0 });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Launched {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with its exit code. */
  exited: Promise<number | null>;
}

/** Start `node <args>` in `cwd`, collecting its output. */
export function launch(args: string[], cwd: string, env: NodeJS.ProcessEnv): Launched & { stdout(): string } {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The loopback UI URL a serving process prints; rejects when the process ends before printing it. */
export function servedUrl(p: ReturnType<typeof launch>): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = /Tagscape UI: (\S+)/.exec(p.stdout());
      if (m) {
        p.child.stdout!.off('data', look);
        resolve(m[1]);
      }
    };
    p.child.stdout!.on('data', look);
    void p.exited.then((code) => reject(new Error(`exited with code ${code} before serving:\n${p.stderr()}`)));
  });
}

/** Stop a serving process (SIGTERM, which `npm start` passes on to `serve`) and wait for it to end. */
export async function stop(p: Launched): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}
