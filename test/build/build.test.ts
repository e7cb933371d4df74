/**
 * `npm run build` (electron-vite) without an Electron binary: the main, job, preload and renderer
 * bundles, laid out as in the packaged app (package.json, node_modules and out/ side by side, no
 * sources), and the bundled job entry running real jobs under plain Node, both as child_process.fork
 * and through the Electron utilityProcess adapter driven by a stand-in for utilityProcess.fork.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { after, before, describe, it } from 'node:test';
import type { UtilityProcess } from 'electron';
import { OPERATIONS, type JobSpec } from '../../shared/api/contract.ts';
import { utilityJobProcess, type UtilityFork } from '../../main/electron/utility-job.ts';
import { JobManager, type JobProcess } from '../../main/jobs/job-manager.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { ROOT, jobEnded, tmpDir, waitForJob } from '../helpers.ts';
import { excludedPackages, mainProcessPackages } from './main-packages.ts';

const app = tmpDir('tagscape-build-');
const out = path.join(app, 'out');
const small = { data: 'synthetic:800', hidden: [16], batchSize: 64 };

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const cli = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const child = fork(cli, ['build', '--outDir', out, '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`electron-vite build failed (${code}):\n${log}`))));
  });
}


/** The static imports of an ES module bundle: bare package names, node: built-ins, relative chunks. */
function importsOf(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  return [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]);
}

/** Every file an entry loads statically, with the bare specifiers it imports. */
function staticGraph(entry: string): { files: string[]; bare: Set<string> } {
  const files: string[] = [];
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else bare.add(spec);
    }
  };
  visit(entry);
  return { files, bare };
}

const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * Stands in for Electron's utilityProcess.fork under plain Node: the child gets process.parentPort
 * (messages wrapped as {data}) instead of process.send, and 'exit' carries only a code, the signal
 * number when the process was killed, as Electron reports it on POSIX. As Electron's, its stderr is a
 * stream fed from the pipe whose listeners are all removed once 'exit' has been emitted, which may come
 * before the pipe's last bytes.
 */
function standInUtilityFork(shim: string, posted: unknown[]): UtilityFork {
  return (modulePath, args = [], options = {}) => {
    const stderr = Array.isArray(options.stdio) ? options.stdio[2] : 'pipe';
    const child = fork(modulePath, args, { cwd: app, execArgv: ['--import', pathToFileURL(shim).href], stdio: ['ignore', 'ignore', stderr ?? 'pipe', 'ipc'] });
    const up = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; kill(): boolean; stderr: PassThrough | null; pid?: number };
    up.stderr = child.stderr ? child.stderr.pipe(new PassThrough()) : null;
    child.on('message', (m) => up.emit('message', m));
    child.on('exit', (code, signal) => {
      try {
        up.emit('exit', code ?? os.constants.signals[signal!]);
      } finally {
        up.stderr?.removeAllListeners();
        up.stderr = null;
      }
    });
    up.postMessage = (m) => {
      posted.push(m);
      if (child.connected) child.send(m as object);
    };
    up.kill = () => child.kill('SIGTERM');
    up.pid = child.pid;
    return up as unknown as UtilityProcess;
  };
}

// Like Electron's, the port starts delivering once it has a 'message' listener (a 'message' listener
// on process added this early, during --import, would never be called under Node 20).
const PARENT_PORT_SHIM = `
import { EventEmitter } from 'node:events';
const send = process.send.bind(process);
const port = new EventEmitter();
port.postMessage = (m) => send(m);
let started = false;
port.on('newListener', (name) => {
  if (name !== 'message' || started) return;
  started = true;
  process.on('message', (m) => port.emit('message', { data: m }));
});
Object.defineProperty(process, 'parentPort', { value: port });
process.send = undefined;
`;

describe('desktop bundles (npm run build)', () => {
  before(async () => {
    // The packaged layout: the app folder holds package.json, node_modules and out/, but no sources.
    fs.symlinkSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    await build();
  });
  after(() => fs.rmSync(app, { recursive: true, force: true }));

  it('writes the main, job, preload and renderer bundles where package.json and the main bundle expect them', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    assert.match(pkg.scripts.build, /^electron-vite build/);
    assert.ok(fs.existsSync(path.join(app, pkg.main)), `package.json "main" (${pkg.main}) is built`);
    const main = path.join(out, 'main', 'index.js');
    // Every file the main bundle locates beside itself exists: the job entry, the preload, the renderer.
    const code = fs.readFileSync(main, 'utf8');
    const located = [...code.matchAll(/path\.(?:join|resolve)\(here, ((?:"[^"]*"(?:, )?)+)\)/g)].map((m) => path.resolve(path.dirname(main), ...(JSON.parse(`[${m[1]}]`) as string[])));
    assert.ok(located.length >= 3, `the main bundle locates its job entry, preload and renderer (${located.length} found)`);
    for (const file of located) assert.ok(fs.existsSync(file), `${path.relative(out, file)} exists`);
    assert.ok(located.some((f) => f.endsWith(path.join('preload', 'index.cjs'))), 'the window loads the CommonJS preload');
    assert.ok(located.some((f) => f.endsWith(path.join('main', 'job-entry.js'))), 'utility processes start the bundled job entry');
    const html = fs.readFileSync(path.join(out, 'renderer', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0);
    for (const s of scripts) assert.ok(fs.existsSync(path.join(out, 'renderer', s)), `renderer script ${s} exists`);
  });

  it('the main bundles load only Node built-ins, Electron (main only) and runtime dependencies, never renderer libraries', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
    const runtime = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)]);
    const mainGraph = staticGraph(path.join(out, 'main', 'index.js'));
    const jobGraph = staticGraph(path.join(out, 'main', 'job-entry.js'));
    assert.ok(mainGraph.bare.has('electron'));
    assert.ok(!jobGraph.bare.has('electron'), 'the job entry runs under plain Node too');
    for (const spec of [...mainGraph.bare, ...jobGraph.bare]) {
      if (spec.startsWith('node:') || spec === 'electron') continue;
      assert.ok(runtime.has(packageOf(spec)), `${spec} is a runtime dependency`);
      assert.ok(!['vue', 'echarts-gl'].includes(packageOf(spec)), `${spec} is renderer-only`);
    }
    // Native and WebAssembly packages stay external (real files in node_modules), not inlined.
    const all = [...mainGraph.files, ...jobGraph.files].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.match(all, /import\(["']@tensorflow\/tfjs-node["']\)/);
    assert.match(all, /from ["']@tensorflow\/tfjs-backend-wasm["']|import\(["']@tensorflow\/tfjs-backend-wasm["']\)/);
  });

  it('electron-builder.yml leaves out the renderer libraries but nothing the main bundles load', () => {
    const needed = mainProcessPackages(path.join(out, 'main'));
    assert.ok(needed.has('@tensorflow/tfjs-core') && needed.has('echarts') && needed.has('jsroot'), 'the engine, the figure renderer and the ROOT reader are shipped');
    const excluded = excludedPackages();
    for (const lib of ['vue', 'echarts-gl']) assert.ok(excluded.includes(lib), `${lib} is bundled into the renderer, not shipped`);
    for (const ex of excluded) {
      const hit = [...needed].find((n) => n === ex || n.startsWith(`${ex}/`));
      assert.equal(hit, undefined, `electron-builder.yml excludes ${ex}, but the main process loads ${hit}`);
    }
  });

  it('the preload is one CommonJS file that exposes only functions through contextBridge', () => {
    const code = fs.readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
    const invoked: Array<[string, unknown]> = [];
    const listeners = new Map<string, Array<(...a: unknown[]) => void>>();
    const ipcRenderer = {
      invoke: (channel: string, payload: unknown) => (invoked.push([channel, payload]), Promise.resolve({ ok: true })),
      on: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
      send: () => assert.fail('the preload must not send raw messages'),
      sendSync: () => assert.fail('the preload must not send raw messages'),
    };
    // A dropped File's path, as Electron's webUtils gives it (empty for a File the page made itself).
    const webUtils = { getPathForFile: (f: { path?: string }) => f.path ?? '' };
    const exposed: Array<[string, Record<string, unknown>]> = [];
    const contextBridge = { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) };
    // A sandboxed preload gets a require that knows 'electron' (and a few polyfills we do not use).
    const required: string[] = [];
    const require = (id: string) => {
      required.push(id);
      if (id === 'electron') return { contextBridge, ipcRenderer, webUtils };
      throw new Error(`a sandboxed preload cannot require "${id}"`);
    };
    const module = { exports: {} };
    // Run as a classic script: ESM syntax (import/export) would be a SyntaxError here.
    vm.runInNewContext(code, { require, module, exports: module.exports, console }, { filename: 'index.cjs' });
    assert.deepEqual([...new Set(required)], ['electron']);
    assert.equal(exposed.length, 1);
    const [key, api] = exposed[0];
    assert.equal(key, 'tagscape');
    assert.deepEqual(Object.keys(api).sort(), [...Object.keys(OPERATIONS), 'onJob', 'openDataFile', 'saveFile', 'openDroppedFile', 'onOpenData', 'onShowPage'].sort());
    for (const [name, value] of Object.entries(api)) {
      assert.equal(typeof value, 'function', `${name} is a function`);
      assert.notEqual(value, ipcRenderer.invoke);
      assert.notEqual(value, ipcRenderer.on);
    }
    (api.listRuns as (p: unknown) => unknown)({});
    (api.startJob as (p: unknown) => unknown)({ job: { kind: 'resume', name: 'x', epochs: 2 } });
    (api.openDataFile as () => unknown)();
    (api.saveFile as (f: unknown) => unknown)({ filename: 'roc.pdf', mime: 'application/pdf', base64: 'JVBERg==' });
    (api.openDroppedFile as (f: unknown) => unknown)({ path: '/d/jets.h5' });
    (api.openDroppedFile as (f: unknown) => unknown)({}); // no path: nothing reaches main
    assert.deepEqual(invoked, [
      ['tagscape:listRuns', {}],
      ['tagscape:startJob', { job: { kind: 'resume', name: 'x', epochs: 2 } }],
      ['tagscape-dialog:open-data', undefined],
      ['tagscape-dialog:save-file', { filename: 'roc.pdf', mime: 'application/pdf', base64: 'JVBERg==' }],
      ['tagscape-drop:open-data', '/d/jets.h5'],
    ]);
    // Job events reach the page without the IPC event object (which would carry sender internals).
    const seen: unknown[] = [];
    const off = (api.onJob as (l: (...a: unknown[]) => void) => () => void)((...a) => seen.push(a));
    const job = { id: 'job-1', status: 'running' };
    for (const l of listeners.get('tagscape:job') ?? []) l({ sender: ipcRenderer }, job);
    assert.deepEqual(seen, [[job]]);
    off();
    assert.equal(listeners.get('tagscape:job')!.length, 0);
    // The native menu's commands, likewise without the event.
    const menu: unknown[] = [];
    (api.onOpenData as (l: (...a: unknown[]) => void) => () => void)((...a) => menu.push(a));
    (api.onShowPage as (l: (...a: unknown[]) => void) => () => void)((...a) => menu.push(a));
    for (const l of listeners.get('tagscape-menu:open-data') ?? []) l({ sender: ipcRenderer }, '/d/jets.h5');
    for (const l of listeners.get('tagscape-menu:page') ?? []) l({ sender: ipcRenderer }, 'export');
    assert.deepEqual(menu, [['/d/jets.h5'], ['export']]);
  });

  it('the bundled job entry trains a run under child_process.fork', async () => {
    const ws = path.join(app, 'ws-fork');
    const entry = path.join(out, 'main', 'job-entry.js');
    const spawn = () => fork(entry, [], { cwd: app, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }) as unknown as JobProcess;
    const jobs = new JobManager({ workspace: ws, maxConcurrent: 1, spawn });
    const job = jobs.start({ kind: 'train', name: 'forked', epochs: 1, ...small });
    const done = await waitForJob(jobs, job.id, jobEnded);
    assert.equal(done.status, 'complete', done.error);
    assert.equal((done.result as { epochs_done: number }).epochs_done, 1);
    assert.equal(new Workspace(ws).status('forked').status, 'complete');
  });

  describe('through the utilityProcess adapter (stand-in for Electron)', () => {
    const shim = path.join(app, 'parent-port-shim.mjs');
    const entry = path.join(out, 'main', 'job-entry.js');
    let forked: UtilityProcess[] = [];
    const posted: unknown[] = [];
    const jobsIn = (ws: string) =>
      new JobManager({
        workspace: ws,
        maxConcurrent: 1,
        spawn: () => {
          const fork = standInUtilityFork(shim, posted);
          return utilityJobProcess((...a) => {
            const child = fork(...a);
            forked.push(child);
            return child;
          }, entry);
        },
      });
    const start = (jobs: JobManager, spec: JobSpec) => jobs.start(spec);
    before(() => fs.writeFileSync(shim, PARENT_PORT_SHIM));

    it('a job completes with its result, and the adapter acknowledges the last message so the process may exit', async () => {
      const ws = path.join(app, 'ws-utility');
      const jobs = jobsIn(ws);
      posted.length = 0;
      const job = start(jobs, { kind: 'train', name: 'utility', epochs: 1, ...small });
      const done = await waitForJob(jobs, job.id, jobEnded);
      assert.equal(done.status, 'complete', done.error);
      assert.equal((done.result as { status: string }).status, 'complete');
      assert.equal(new Workspace(ws).status('utility').status, 'complete');
      assert.deepEqual(posted.map((m) => Object.keys(m as object)), [['spec', 'workspace'], ['type']]);
      assert.deepEqual(posted[1], { type: 'ack' });
    });

    it('a failing job reports the engine\'s sentence', async () => {
      const jobs = jobsIn(path.join(app, 'ws-utility-bad'));
      const job = start(jobs, { kind: 'train', name: 'bad', epochs: 1, data: path.join(app, 'missing.h5') });
      const done = await waitForJob(jobs, job.id, jobEnded);
      assert.equal(done.status, 'failed');
      assert.match(done.error!, /missing\.h5: no such file/);
    });

    it('a process exiting with a code that is also a signal\'s number is reported both ways, with the stderr line written after its exit', async () => {
      // 9 is both Node's "invalid argument" exit code and SIGKILL. The last line comes from a process that
      // shares the pipe and writes once this one has exited, as a pipe's last bytes may trail the exit.
      const script = path.join(app, 'exits-9.mjs');
      const late = `setTimeout(() => process.stderr.write('node: bad option: --frobnicate\\n'), 200)`;
      fs.writeFileSync(script, [`import { spawn } from 'node:child_process';`, `spawn(process.execPath, ['-e', ${JSON.stringify(late)}], { stdio: ['ignore', 'ignore', 'inherit'] });`, 'process.exit(9);'].join('\n'));
      const jobs = new JobManager({ workspace: path.join(app, 'ws-utility-exit'), maxConcurrent: 1, spawn: () => utilityJobProcess(standInUtilityFork(shim, []), script) });
      const job = start(jobs, { kind: 'train', name: 'exits', epochs: 1, ...small });
      const done = await waitForJob(jobs, job.id, jobEnded);
      assert.equal(done.status, 'failed');
      assert.equal(done.error, 'the job process exited with code 9 or was killed (SIGKILL): node: bad option: --frobnicate');
    });

    it('a job process killed with SIGKILL fails its job and leaves the run interrupted; cancel leaves it resumable', async () => {
      const ws = path.join(app, 'ws-utility-crash');
      const jobs = jobsIn(ws);
      forked = [];
      const crash = start(jobs, { kind: 'train', name: 'crash', epochs: 500, ...small });
      await waitForJob(jobs, crash.id, (j) => /epoch 1\//.test(j.message));
      process.kill(forked[0].pid!, 'SIGKILL');
      const failed = await waitForJob(jobs, crash.id, jobEnded);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!, /killed \(SIGKILL\)/);
      const store = new Workspace(ws);
      assert.equal(store.status('crash').status, 'interrupted');

      const resumed = start(jobs, { kind: 'resume', name: 'crash', epochs: 500 });
      await waitForJob(jobs, resumed.id, (j) => /epoch \d+\//.test(j.message));
      jobs.cancel(resumed.id);
      assert.equal((await waitForJob(jobs, resumed.id, jobEnded)).status, 'cancelled');
      assert.equal(store.status('crash').status, 'interrupted');
    });
  });
});
