import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { FileGrants, recordedDataFiles } from '../../main/electron/file-access.ts';
import { ipcCall } from '../../main/electron/ipc.ts';
import { JOB_CHANNEL } from '../../shared/api/operation-names.ts';
import { streamJobs, type JobWindow } from '../../main/electron/job-stream.ts';
import { APP_CSP, isAllowedExternal, isAppUrl, secureWindowOptions } from '../../main/electron/window-options.ts';
import { JobManager, type JobProcess } from '../../main/jobs/job-manager.ts';
import { Rng } from '../../main/engine/rng.ts';
import { createHandlers } from '../../main/server/handlers.ts';
import { MAX_PAYLOAD_BYTES, OPERATIONS } from '../../shared/api/contract.ts';
import { tmpDir } from '../helpers.ts';

describe('Electron window security', () => {
  it('isolates and sandboxes the page with no Node and no webview', () => {
    const o = secureWindowOptions('/app/preload/index.cjs');
    assert.equal(o.webPreferences.contextIsolation, true);
    assert.equal(o.webPreferences.sandbox, true);
    assert.equal(o.webPreferences.nodeIntegration, false);
    assert.equal(o.webPreferences.nodeIntegrationInWorker, false);
    assert.equal(o.webPreferences.nodeIntegrationInSubFrames, false);
    assert.equal(o.webPreferences.webviewTag, false);
    assert.equal(o.webPreferences.webSecurity, true);
    assert.equal(o.webPreferences.allowRunningInsecureContent, false);
    assert.equal(o.webPreferences.preload, '/app/preload/index.cjs');
  });

  it('allows only the app\'s own origin and a short list of external sites', () => {
    assert.ok(isAppUrl('app://tagscape/index.html'));
    assert.ok(!isAppUrl('https://example.com/'));
    assert.ok(!isAppUrl('file:///etc/passwd'));
    assert.ok(isAllowedExternal('https://arxiv.org/abs/2303.14511'));
    assert.ok(!isAllowedExternal('http://arxiv.org/abs/2303.14511'));
    assert.ok(!isAllowedExternal('https://evil.example/arxiv.org/'));
    assert.match(APP_CSP, /default-src 'self'/);
    assert.doesNotMatch(APP_CSP, /unsafe-eval/);
  });

  // The built preload itself (what it exposes, CommonJS, no raw ipcRenderer) is checked in test/build.
});

/** A job process that never ends unless killed: enough to give the manager running jobs. */
function idleProcess(): JobProcess {
  const p = new EventEmitter();
  return { send: () => {}, kill: () => void p.emit('close', null, 'SIGTERM'), on: p.on.bind(p) as JobProcess['on'] };
}

/** A window's web contents as job events see it: what was sent, and a reload. */
class FakeContents extends EventEmitter implements JobWindow {
  sent: Array<[string, JobInfo]> = [];
  destroyed = false;
  send(channel: string, job: JobInfo): void {
    assert.ok(!this.destroyed, 'nothing is sent to a destroyed window');
    this.sent.push([channel, job]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.sent = [];
    this.emit('did-finish-load');
  }
}

describe('Electron window job events', () => {
  it('a reloaded window gets every existing job again, then each change', () => {
    const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1, spawn: idleProcess });
    const win = new FakeContents();
    streamJobs(jobs, win);
    const running = jobs.start({ kind: 'resume', name: 'a', epochs: 2 });
    const queued = jobs.start({ kind: 'resume', name: 'b', epochs: 2 });
    assert.ok(win.sent.length >= 2 && win.sent.every(([c]) => c === JOB_CHANNEL));

    win.reload();
    assert.deepEqual(win.sent.map(([, j]) => [j.id, j.status]), [[running.id, 'running'], [queued.id, 'queued']]);
    jobs.cancel(queued.id);
    assert.deepEqual(win.sent.at(-1)![1].status, 'cancelled');
    jobs.shutdown();
  });

  it('a closed window is no longer sent anything', () => {
    const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1, spawn: idleProcess });
    const win = new FakeContents();
    streamJobs(jobs, win);
    win.destroyed = true;
    win.emit('destroyed');
    jobs.start({ kind: 'resume', name: 'a', epochs: 2 });
    assert.equal(jobs.listenerCount('job'), 0);
    jobs.shutdown();
  });
});

/** What a page could put in an IPC payload: anything structured clone carries, JSON or not. */
function randomClone(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 8 : 11)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return rng.uniform() * 1e6 - 5e5;
    case 3: return [NaN, Infinity, -0, 2 ** 53][rng.int(4)];
    case 4: return 'y'.repeat(rng.int(40)) + String.fromCharCode(rng.int(0xffff));
    case 5: return ['../../etc/passwd', 'synthetic:-1', 'job-1', 'nominal', '', 'resume'][rng.int(6)];
    case 6: return [new Date(0), new Uint8Array(rng.int(64)), 10n ** 30n, /x/g][rng.int(4)];
    case 7: return rng.bernoulli(0.5);
    case 8: return Array.from({ length: rng.int(4) }, () => randomClone(rng, depth + 1));
    case 9: return new Map([[randomClone(rng, depth + 1), randomClone(rng, depth + 1)]]);
    default: {
      const keys = ['kind', 'job', 'run', 'runs', 'data', 'epochs', 'name', 'offset', 'limit', 'plot', '__proto__', 'constructor'];
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [keys[rng.int(keys.length)], randomClone(rng, depth + 1)]));
    }
  }
}

describe('Electron IPC calls', () => {
  const jobs = new JobManager({ workspace: tmpDir(), maxConcurrent: 1, spawn: idleProcess });
  const handlers = createHandlers(tmpDir(), jobs);
  const page = { url: 'app://tagscape/index.html', parent: null };

  it('answers only Tagscape\'s own page in its top frame', async () => {
    assert.deepEqual(await ipcCall(handlers, 'listRuns', {}, page), { ok: true, result: { runs: [] } });
    for (const frame of [null, { url: 'https://example.com/', parent: null }, { url: 'app://tagscape/index.html', parent: page }, { url: 'file:///etc/passwd', parent: null }]) {
      const reply = await ipcCall(handlers, 'listRuns', {}, frame);
      assert.equal(reply.ok, false);
      assert.match((reply as { error: string }).error, /^Refused/);
    }
  });

  it('refuses oversized and uncloneable payloads with one sentence', async () => {
    const big = await ipcCall(handlers, 'dataSummary', { data: 'x'.repeat(MAX_PAYLOAD_BYTES + 1) }, page);
    assert.deepEqual(big, { ok: false, error: `The request is larger than ${MAX_PAYLOAD_BYTES} bytes.` });
    // Exports carry a whole chart (a 201 x 201 map is a few MB), as on the loopback server.
    const bigChart = await ipcCall(handlers, 'exportChart', { option: { pad: 'x'.repeat(MAX_PAYLOAD_BYTES + 1) }, format: 'svg' }, page);
    assert.doesNotMatch((bigChart as { error?: string }).error ?? '', /larger than/);
    const fn = await ipcCall(handlers, 'listRuns', { f: () => 1 }, page);
    assert.equal(fn.ok, false);
  });

  it('answers a few hundred random payloads without throwing, each refusal one sentence; starts no job and keeps working', async () => {
    const rng = new Rng(5);
    const ops = [...Object.keys(OPERATIONS), 'nope', '__proto__', 'constructor'];
    for (let i = 0; i < 400; i++) {
      const op = ops[rng.int(ops.length)];
      const reply = await ipcCall(handlers, op, randomClone(rng), page);
      if (!reply.ok) assert.ok(typeof reply.error === 'string' && reply.error.length > 0 && !reply.error.includes('\n'), `${op}: ${reply.error}`);
    }
    assert.deepEqual(jobs.list(), [], 'no random payload started a job');
    assert.deepEqual(await ipcCall(handlers, 'listRuns', {}, page), { ok: true, result: { runs: [] } });
  });
});

describe('Electron file access', () => {
  const page = { url: 'app://tagscape/index.html', parent: null };
  const train = (data: string) => ({ job: { kind: 'train', name: 'r', data, epochs: 1 } });

  it('reads only files the user opened (or a run recorded), and synthetic data', () => {
    let recorded: string[] = [];
    const grants = new FileGrants(() => recorded);
    assert.equal(grants.refusal({ data: 'synthetic:2000' }), null);
    assert.equal(grants.refusal(train('synthetic:500')), null);
    for (const payload of [{ data: '/etc/passwd' }, train('/home/u/jets.h5'), { data: 'relative/jets.h5', run: 'r' }]) {
      assert.match(grants.refusal(payload) ?? '', /^Tagscape reads only files you opened: choose "[^"]+" with Open file… on the Data page first\.$/);
    }
    grants.grant('/home/u/jets.h5');
    assert.equal(grants.refusal(train('/home/u/jets.h5')), null);
    assert.equal(grants.refusal(train('/home/u/../u/jets.h5')), null, 'the same file by another spelling');
    assert.notEqual(grants.refusal({ data: '/home/u/other.h5' }), null);
    recorded = ['/data/run-file.h5'];
    assert.equal(grants.refusal({ run: 'r', data: '/data/run-file.h5' }), null);
    assert.equal(grants.refusal({ listRuns: true }), null, 'a payload without data');
  });

  it('finds the data files recorded in the runs of a workspace', () => {
    const configs: Record<string, unknown> = { a: { data: { spec: '/x/a.h5' } }, b: { data: { spec: 'synthetic:10' } }, c: null };
    const ws = { list: () => Object.keys(configs), readJsonIfExists: <T,>(name: string) => configs[name] as T | null };
    assert.deepEqual(recordedDataFiles(ws), ['/x/a.h5', 'synthetic:10']);
  });

  it('is checked on every IPC call before the engine', async () => {
    const handlers = createHandlers(tmpDir(), new JobManager({ workspace: tmpDir(), maxConcurrent: 1, spawn: idleProcess }));
    const reply = await ipcCall(handlers, 'dataSummary', { data: '/etc/hostname' }, page, new FileGrants());
    assert.equal(reply.ok, false);
    assert.match((reply as { error: string }).error, /only files you opened/);
  });
});
