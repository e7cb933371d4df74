/**
 * A user's first `npm start` and `tagscape serve`, in a copy of the checkout as a fresh `npm install`
 * leaves it: no built UI (out/, renderer/dist) and no Electron binary. The binary comes from a loopback
 * mirror serving a stand-in release (ELECTRON_MIRROR, electron_config_cache and
 * electron_use_remote_checksums are the electron package's own settings, read by its install.js), or from
 * a refused one, where `npm start` must fall back to the loopback UI. The tests run in order on one copy:
 * each start sees what the ones before it left, as a user's would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, tmpDir } from '../helpers.ts';
import { freshInstall, launch, refusedPort, servedUrl, standInMirror, stop, userEnv, type Mirror } from './fresh-install.ts';
import { ENGINE_NODE_FLAGS } from '../../main/engine/node-flags.ts';

const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
/** The real package's binary state, which no test may change. */
const realElectron = () => ['dist', 'path.txt'].map((f) => fs.existsSync(path.join(ROOT, 'node_modules', 'electron', f)));

/** GET the page with the printed URL (its token in the query). */
async function page(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** `tagscape doctor --json` in the copy. */
function doctor(app: string, env: Record<string, string>): { backend: { name: string; advice: string | null; kernels?: { path: string; threads: number } }; electron: { version: string | null; binary: string | null }; formats: Array<{ name: string; available: boolean }>; workspace: { path: string } } {
  const r = spawnSync(process.execPath, [path.join(app, 'bin', 'tagscape.js'), 'doctor', '--json'], { cwd: app, env: userEnv(env), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('a fresh install', { skip: process.platform !== 'linux' ? 'the stand-in Electron is a Linux shell script' : false, timeout: 15 * 60_000 }, () => {
  let app: string;
  let work: string;
  let mirror: Mirror;
  const realBefore = realElectron();
  const record = () => path.join(work, 'launch.json');
  const electronDir = () => path.join(app, 'node_modules', 'electron');
  // A desktop session (without a display `npm start` serves the UI at once, tested last).
  const npmStart = (env: Record<string, string>) => launch([path.join(app, 'bin', 'start.js'), '--port', '0'], app, userEnv({ TAGSCAPE_WORKSPACE: path.join(work, 'ws'), DISPLAY: ':0', ...env }));

  before(async () => {
    app = freshInstall();
    work = tmpDir('tagscape-install-work-');
    mirror = await standInMirror(version, record());
  });
  after(async () => {
    await mirror.close();
    fs.rmSync(app, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    assert.deepEqual(realElectron(), realBefore, 'node_modules/electron of the checkout is untouched');
  });

  it('tagscape serve builds the UI it does not have yet and serves the page and the API', async () => {
    assert.ok(!fs.existsSync(path.join(app, 'renderer', 'dist')) && !fs.existsSync(path.join(app, 'out')), 'the copy starts with no build');
    const serve = launch([path.join(app, 'bin', 'tagscape.js'), 'serve', '--workspace', path.join(work, 'ws'), '--port', '0'], app, userEnv({}));
    try {
      const url = await servedUrl(serve);
      const res = await page(url);
      assert.equal(res.status, 200, res.body);
      assert.match(res.type, /^text\/html/);
      assert.match(res.body, /<div id="app"><\/div>/);
      const script = /<script[^>]+src="\.?\/?([^"]+)"/.exec(res.body)![1];
      const js = await fetch(new URL(script, url), { headers: { authorization: `Bearer ${new URL(url).searchParams.get('token')}` } });
      assert.equal(js.status, 200, `the page's script ${script} is served`);
      const backend = await fetch(new URL('/api/backend', url), { method: 'POST', headers: { authorization: `Bearer ${new URL(url).searchParams.get('token')}` }, body: '{}' });
      const reply = (await backend.json()) as { ok: boolean; result: { name: string; threads: number; advice: string | null; kernels?: { path: string; threads: number } } };
      assert.equal(reply.ok, true);
      assert.ok(['tensorflow', 'wasm', 'cpu'].includes(reply.result.name));
      assert.ok(reply.result.threads >= 1);
      // Unless native TensorFlow runs, the served UI gets the reason and what to do.
      assert.equal(reply.result.advice === null, reply.result.name === 'tensorflow');
      // Without native TensorFlow the dense tagger runs on the SIMD kernels this checkout ships.
      assert.equal(reply.result.kernels?.path, reply.result.name === 'tensorflow' ? 'tfjs' : 'simd');
      assert.match(serve.stderr(), new RegExp(`^backend: ${reply.result.name}${reply.result.kernels?.path === 'simd' ? ', simd kernels' : ''} \\(`, 'm'));
    } finally {
      await stop(serve);
    }
    assert.ok(fs.existsSync(path.join(app, 'renderer', 'dist', 'index.html')), 'the UI was built into renderer/dist');
  });

  it('tagscape doctor reports the backend, no Electron binary yet, the data formats and the workspace', () => {
    const d = doctor(app, { TAGSCAPE_WORKSPACE: path.join(work, 'ws') });
    assert.equal(d.backend.advice === null, d.backend.name === 'tensorflow');
    assert.equal(d.backend.kernels?.path, d.backend.name === 'tensorflow' ? 'tfjs' : 'simd');
    assert.deepEqual(d.electron, { version, binary: null });
    assert.deepEqual(d.formats.filter((f) => !f.available), []);
    assert.ok(['HDF5', 'ROOT', 'NumPy', 'Parquet', 'CSV'].every((n) => d.formats.some((f) => f.name === n)));
    assert.equal(d.workspace.path, path.join(work, 'ws'));
    const v = spawnSync(process.execPath, [path.join(app, 'bin', 'tagscape.js'), '--version'], { cwd: app, env: userEnv({}), encoding: 'utf8' });
    assert.equal(v.stdout.split('\n')[0], `tagscape ${(JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as { version: string }).version}`);
    assert.match(v.stdout, new RegExp(`^backend: ${d.backend.name}${d.backend.kernels?.path === 'simd' ? ', simd kernels' : ''} \\(`, 'm'));
  });

  it('npm start with a refused mirror falls back to the loopback UI, saying why and how to retry', async () => {
    const port = await refusedPort();
    const start = npmStart({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: path.join(work, 'cache-refused') });
    try {
      const url = await servedUrl(start);
      const res = await page(url);
      assert.equal(res.status, 200, res.body);
      assert.match(res.body, /<div id="app"><\/div>/);
      assert.match(new URL(url).searchParams.get('token') ?? '', /^[\w-]{20,}$/);
      const text = start.stderr();
      assert.match(text, new RegExp(`downloading Electron ${version.replaceAll('.', '\\.')}`));
      assert.match(text, new RegExp(`no desktop window, because Electron ${version.replaceAll('.', '\\.')} could not be downloaded \\(could not fetch http://127\\.0\\.0\\.1:${port}/v${version.replaceAll('.', '\\.')}/electron-v[^ ]+\\.zip: [^)]+\\); run \`npm start\` again with internet access`));
    } finally {
      await stop(start);
    }
    assert.ok(!fs.existsSync(path.join(electronDir(), 'path.txt')), 'no binary was installed');
    assert.ok(!fs.existsSync(record()), 'nothing was launched');
  });

  it('npm start gives up on a mirror that answers but sends nothing, and falls back', async () => {
    // Headers, then silence: without a limit fetch would wait for minutes.
    const held: http.ServerResponse[] = [];
    const silent = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100000000' });
      res.write('x');
      held.push(res);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const start = npmStart({ ELECTRON_MIRROR: `http://127.0.0.1:${(silent.address() as { port: number }).port}/`, electron_config_cache: path.join(work, 'cache-silent') });
    try {
      await servedUrl(start);
      assert.match(start.stderr(), /could not be downloaded \(nothing arrived for \d+ s\)/);
    } finally {
      await stop(start);
      held.forEach((r) => r.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    assert.ok(!fs.existsSync(path.join(electronDir(), 'path.txt')), 'no binary was installed');
  });

  it('npm start refuses a download that does not match the checksums the electron package ships', async () => {
    // Without electron_use_remote_checksums, install.js checks against its own checksums.json: the
    // stand-in is not the real release and must be refused.
    const start = npmStart({ ELECTRON_MIRROR: mirror.url, electron_config_cache: path.join(work, 'cache-mismatch') });
    try {
      await servedUrl(start);
      assert.match(start.stderr(), /could not be downloaded \([^)]*checksum[^)]*\)/i);
    } finally {
      await stop(start);
    }
    assert.ok(mirror.requests.some((r) => r.endsWith('.zip')), 'the zip was fetched');
    assert.ok(!fs.existsSync(path.join(electronDir(), 'path.txt')), 'the refused zip was not installed');
    assert.ok(!fs.existsSync(record()), 'nothing was launched');
  });

  it('npm start downloads Electron from the mirror, checks it, extracts it and opens the app with it; the next start reuses it', async () => {
    mirror.requests.length = 0;
    const cache = path.join(work, 'cache');
    const env = { ELECTRON_MIRROR: mirror.url, electron_config_cache: cache, electron_use_remote_checksums: '1', ELECTRON_RUN_AS_NODE: '1' };
    const first = npmStart(env);
    assert.equal(await first.exited, 0, first.stderr());
    assert.deepEqual(mirror.requests.sort(), [`/v${version}/SHASUMS256.txt`, `/v${version}/electron-v${version}-linux-${process.arch}.zip`].sort());
    assert.match(first.stderr(), new RegExp(`downloading Electron ${version.replaceAll('.', '\\.')} for the desktop window`));
    assert.doesNotMatch(first.stderr(), /no desktop window|Tagscape UI/);
    assert.equal(fs.readFileSync(path.join(electronDir(), 'path.txt'), 'utf8'), 'electron');
    assert.ok(fs.statSync(path.join(electronDir(), 'dist', 'electron')).mode & 0o100, 'the extracted stand-in is executable');
    assert.ok(fs.readdirSync(cache, { recursive: true }).some((f) => String(f).endsWith('.zip')), 'the zip is kept in electron_config_cache');
    const launched = JSON.parse(fs.readFileSync(record(), 'utf8')) as { args: string[]; runAsNode: string | null };
    assert.deepEqual(launched.args, [`--js-flags=${ENGINE_NODE_FLAGS.join(' ')}`, app, '--port', '0'], 'Electron was started on the app folder with the engine\'s V8 flags and the arguments');
    assert.equal(launched.runAsNode, null, 'ELECTRON_RUN_AS_NODE would start Electron without a window');
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as { main: string };
    for (const f of [pkg.main, 'out/main/job-entry.js', 'out/preload/index.cjs', 'out/renderer/index.html']) assert.ok(fs.existsSync(path.join(app, f)), `${f} was built before the launch`);

    assert.equal(doctor(app, {}).electron.binary, path.join(electronDir(), 'dist', 'electron'));

    // Downloaded once: the second start asks the mirror nothing, even with the mirror gone.
    fs.rmSync(record());
    await mirror.close();
    const again = npmStart({ ...env, ELECTRON_MIRROR: `http://127.0.0.1:${await refusedPort()}/` });
    assert.equal(await again.exited, 0, again.stderr());
    assert.doesNotMatch(again.stderr(), /downloading Electron/);
    assert.deepEqual((JSON.parse(fs.readFileSync(record(), 'utf8')) as { args: string[] }).args, [`--js-flags=${ENGINE_NODE_FLAGS.join(' ')}`, app, '--port', '0']);
    mirror = await standInMirror(version, record()); // for after()
  });

  it('npm start without a display (over SSH) serves the loopback UI instead of launching Electron', async () => {
    fs.rmSync(record(), { force: true });
    const start = launch([path.join(app, 'bin', 'start.js'), '--port', '0'], app, userEnv({ TAGSCAPE_WORKSPACE: path.join(work, 'ws'), DISPLAY: '', WAYLAND_DISPLAY: '' }));
    try {
      assert.equal((await page(await servedUrl(start))).status, 200);
      assert.match(start.stderr(), /no desktop window, because there is no display/);
    } finally {
      await stop(start);
    }
    assert.ok(!fs.existsSync(record()), 'Electron was not launched');
  });
});
