/**
 * `npm run dist` as far as it goes without Electron's binary or the installer tooling (which electron-builder
 * downloads): electron-builder loads electron-builder.yml and packages a `--linux dir` app around a
 * stand-in Electron (a shell script carrying Electron's fuse wire, so the configured fuses are flipped
 * as in a real binary). What app.asar holds is checked, and the engine runs a job from the packaged
 * files alone (app.asar extracted, under plain Node).
 */
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as asar from '@electron/asar';
import { ensureDesktopBuild } from '../../main/cli/ui-build.ts';
import { JobManager, type JobProcess } from '../../main/jobs/job-manager.ts';
import { ROOT, jobEnded, tmpDir, waitForJob } from '../helpers.ts';
import { sourceCopy } from './fresh-install.ts';
import { excludedPackages, mainProcessPackages } from './main-packages.ts';

/** @electron/fuses' marker; the wire after it is: version 1, length, then one byte per fuse ('0' off, '1' on). */
/** The SIMD kernels' files the packaged app ships (electron-builder.yml). */
const KERNEL_FILES = ['dense-simd.wasm', 'dense-ops.mjs', 'dense-worker.mjs'];
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults: RunAsNode, CookieEncryption, NODE_OPTIONS, --inspect, AsarIntegrity, OnlyLoadAppFromAsar, V8 snapshot, file:// privileges. */
const DEFAULT_FUSES = '10110001';

describe('npm run dist: the packaged app (electron-builder --linux dir, stand-in Electron)', { skip: process.platform !== 'linux' ? 'packages the Linux layout' : false, timeout: 20 * 60_000 }, () => {
  let project: string;
  let output: string;
  let resources: string;
  let packed: string[];
  let builder: { status: number | null; log: string };

  before(() => {
    // A clone's sources with the installed node_modules; out/ built there as `npm run dist` builds it.
    project = sourceCopy('tagscape-package-');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    ensureDesktopBuild(project);
    const electronDist = tmpDir('tagscape-electron-dist-');
    fs.writeFileSync(path.join(electronDist, 'electron'), `#!/bin/sh\nexit 0\n# ${FUSE_SENTINEL}\x01\x08${DEFAULT_FUSES}\n`, { mode: 0o755 });
    output = tmpDir('tagscape-package-out-');
    const r = spawnSync(process.execPath, [path.join(project, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`], { cwd: project, encoding: 'utf8' });
    builder = { status: r.status, log: r.stdout + r.stderr };
    resources = path.join(output, 'linux-unpacked', 'resources');
    packed = fs.existsSync(path.join(resources, 'app.asar')) ? asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/')) : [];
    fs.rmSync(electronDist, { recursive: true, force: true });
  });
  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(output, { recursive: true, force: true });
  });

  it('electron-builder loads electron-builder.yml and packages the app', () => {
    assert.equal(builder.status, 0, builder.log);
    assert.match(builder.log, /loaded configuration\s+file=.*electron-builder\.yml/);
    assert.ok(fs.existsSync(path.join(resources, 'app.asar')), 'resources/app.asar');
  });

  it('app.asar holds the built app: package.json naming out/main/index.js and every bundle of out/', () => {
    const pkg = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString()) as { main: string };
    assert.equal(pkg.main, 'out/main/index.js');
    const built = fs.readdirSync(path.join(project, 'out'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith('.map'))
      .map((e) => '/' + path.relative(project, path.join(e.parentPath, e.name)).replaceAll('\\', '/'));
    assert.ok(built.includes('/out/main/job-entry.js') && built.includes('/out/preload/index.cjs') && built.includes('/out/renderer/index.html'));
    for (const f of built) assert.ok(packed.includes(f), `${f} is packaged`);
    // Nothing of the sources or the tests: package.json and the SIMD kernels (not their C source) only.
    assert.deepEqual(packed.filter((f) => !/^\/(out|node_modules|native)\//.test(f) && !['/out', '/node_modules', '/native'].includes(f)), ['/package.json']);
    assert.deepEqual(packed.filter((f) => f.startsWith('/native/')).sort(), KERNEL_FILES.map((f) => `/native/${f}`).sort());
  });

  it('every package the main process loads is shipped; renderer-only and command-line-only ones are not', () => {
    // Optional packages this machine could not install (tfjs-node offline) cannot be shipped from it.
    const needed = mainProcessPackages(path.join(project, 'out', 'main'), true);
    assert.ok(needed.has('@tensorflow/tfjs-backend-wasm') && needed.has('h5wasm') && needed.has('jsroot'));
    for (const name of needed) {
      assert.ok(packed.includes(`/node_modules/${name}/package.json`), `${name} is shipped`);
    }
    for (const name of [...excludedPackages(), 'electron', 'electron-builder', 'vite', 'typescript']) assert.ok(!packed.some((f) => f.startsWith(`/node_modules/${name}/`)), `${name} is not shipped`);
    assert.ok(!packed.some((f) => f.endsWith('.map')), 'no source maps');
  });

  it('only native code is unpacked from app.asar, and all of it is', () => {
    const unpackedDir = path.join(resources, 'app.asar.unpacked');
    const unpacked = fs.existsSync(unpackedDir) ? fs.readdirSync(unpackedDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => '/' + path.relative(unpackedDir, path.join(e.parentPath, e.name)).replaceAll('\\', '/')) : [];
    // Native code, and the SIMD kernels whose worker threads load them by path.
    const native = (f: string) => f.endsWith('.node') || /^\/node_modules\/@tensorflow\/tfjs-node\/(lib|deps\/lib)\//.test(f) || KERNEL_FILES.some((k) => f === `/native/${k}`);
    // electron-builder unpacks a native module's package.json beside its addon.
    for (const f of unpacked) assert.ok(native(f) || f.endsWith('/package.json'), `${f} is unpacked but is not native code`);
    for (const f of packed.filter(native)) assert.ok(unpacked.includes(f), `${f} is native code and must be a real file`);
    assert.ok(unpacked.some((f) => /^\/node_modules\/@resvg\/.+\.node$/.test(f)), 'resvg\'s addon is unpacked');
    if (fs.existsSync(path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-node'))) {
      assert.ok(unpacked.some((f) => /tfjs-node\/lib\/napi-v\d+\/tfjs_binding\.node$/.test(f)), 'the tfjs-node binding is unpacked');
      assert.ok(unpacked.some((f) => /tfjs-node\/deps\/lib\/(lib)?tensorflow/.test(f)), 'libtensorflow is unpacked beside it');
    }
    // The WebAssembly the wasm backend loads stays in app.asar, at the path backend.ts resolves.
    for (const wasm of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) assert.ok(packed.includes(`/node_modules/@tensorflow/tfjs-backend-wasm/dist/${wasm}`), `${wasm} is packaged`);
  });

  it('the packaged binary has the fuses electron-builder.yml flips', () => {
    const exe = fs.readFileSync(path.join(output, 'linux-unpacked', 'tagscape'));
    const at = exe.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const wire = exe.subarray(at + 2, at + 2 + exe[at + 1]).toString('latin1');
    // runAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, asar integrity on, only app.asar on; the rest as Electron ships them.
    assert.equal(wire, '01001101');
  });

  it('the engine runs a training job from the packaged files alone', async () => {
    const app = tmpDir('tagscape-packaged-app-');
    try {
      asar.extractAll(path.join(resources, 'app.asar'), app);
      const spawn = () => fork(path.join(app, 'out', 'main', 'job-entry.js'), [], { cwd: app, execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, TAGSCAPE_BACKEND: 'wasm' } }) as unknown as JobProcess;
      const jobs = new JobManager({ workspace: path.join(app, 'ws'), maxConcurrent: 1, spawn });
      const job = jobs.start({ kind: 'train', name: 'packaged', epochs: 1, data: 'synthetic:600', hidden: [8], batchSize: 64 });
      const messages: string[] = [];
      const done = await waitForJob(jobs, job.id, jobEnded, messages);
      assert.equal(done.status, 'complete', done.error);
      assert.ok(messages.includes('backend wasm'), 'the wasm backend loaded its .wasm from the packaged tfjs-backend-wasm');
      assert.ok(messages.includes('kernels simd'), 'the SIMD kernels loaded from the packaged native/ files');
      assert.equal(JSON.parse(fs.readFileSync(path.join(app, 'ws', 'runs', 'packaged', 'config.json'), 'utf8')).kernels, 'simd', 'the run records the kernels that trained it');
    } finally {
      fs.rmSync(app, { recursive: true, force: true });
    }
  });
});
