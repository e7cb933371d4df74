import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { OPERATIONS } from '../../shared/api/contract.ts';
import { Rng } from '../../main/engine/rng.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { backend, tmpDir } from '../helpers.ts';

function randomValue(rng: Rng, depth = 0): unknown {
  const k = rng.int(depth > 2 ? 6 : 9);
  switch (k) {
    case 0: return null;
    case 1: return rng.uniform() * 1e6 - 5e5;
    case 2: return rng.int(3) === 0 ? NaN : rng.int(100);
    case 3: return 'x'.repeat(rng.int(50)) + String.fromCharCode(rng.int(0xffff));
    case 4: return rng.bernoulli(0.5);
    case 5: return ['../../etc/passwd', 'synthetic:-1', 'job-1', 'nominal', '', 'train'][rng.int(6)];
    case 6: return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default: {
      const keys = ['kind', 'job', 'run', 'runs', 'data', 'epochs', 'name', 'eps', 'attacks', 'directions', 'plot', '__proto__', 'constructor'];
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [keys[rng.int(keys.length)], randomValue(rng, depth + 1)]));
    }
  }
}

describe('loopback server', () => {
  let server: Server;
  let base: string;
  before(async () => {
    await backend();
    server = await serve({ workspace: tmpDir(), port: 0, staticDir: tmpDir() });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  const api = (op: string, body: string, token = server.token) =>
    fetch(`${base}/api/${op}`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

  it('binds to loopback and answers 401 without the token and 403 with a wrong one', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/?token=nope`)).status, 403);
    assert.equal((await fetch(`${base}/api/listRuns`, { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await api('listRuns', '{}', 'x'.repeat(32))).status, 403);
    const ok = await api('listRuns', '{}');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true, result: { runs: [] } });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode ?? 0));
    });
    assert.equal(status, 403);
  });

  it('answers malformed, oversized and random payloads with a validation error and stays up', async () => {
    assert.equal((await api('listRuns', '{not json')).status, 400);
    assert.equal((await api('listRuns', JSON.stringify({ pad: 'x'.repeat(1_100_000) }))).status, 413);
    const rng = new Rng(42);
    const ops = [...Object.keys(OPERATIONS), 'nope', '__proto__', 'constructor'];
    for (let i = 0; i < 300; i++) {
      const op = ops[rng.int(ops.length)];
      if (op === 'startJob' && i % 2 === 0) continue; // valid job specs would start real work
      const res = await api(op, JSON.stringify(randomValue(rng)));
      const body = (await res.json()) as { ok: boolean; error?: string };
      if (!body.ok) assert.equal(typeof body.error, 'string');
      assert.ok([200, 400].includes(res.status), `status ${res.status} for ${op}`);
    }
    assert.equal((await api('listRuns', '{}')).status, 200, 'still serving');
    assert.deepEqual(server.jobs.list(), [], 'no random payload started a job');
  });

  it('answers broken %-encodings in the path, the operation and the cookie without falling over', async () => {
    assert.equal((await fetch(`${base}/%E0%A4%A?token=${server.token}`)).status, 404);
    const bad = await api('%E0%A4%A', '{}');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^Unknown operation/);
    assert.equal((await fetch(`${base}/`, { headers: { cookie: 'tagscape_token=%E0' } })).status, 401);
    // A request line whose target is no URL at all.
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      setTimeout(() => socket.destroy(), 3000);
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await api('listRuns', '{}')).status, 200, 'still serving');
  });

  it('accepts the token on the WebSocket only, and answers calls and garbage there', async () => {
    const refused = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
      ws.on('error', () => resolve(true));
      ws.on('open', () => resolve(false));
    });
    assert.ok(refused, 'a socket without the token is refused');
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    const messages: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.on('open', r));
    ws.send('garbage');
    ws.send(JSON.stringify({ id: 1, op: 'listRuns', payload: {} }));
    ws.send(JSON.stringify({ id: 2, op: 'getRun', payload: { run: '../x' } }));
    const rng = new Rng(7);
    for (let i = 0; i < 100; i++) ws.send(JSON.stringify({ id: 10 + i, op: 'getRun', payload: randomValue(rng) }));
    await new Promise((r) => setTimeout(r, 500));
    ws.close();
    assert.equal(messages[0].type, 'jobs');
    assert.equal(messages.find((m) => m.id === null)?.ok, false);
    assert.equal(messages.find((m) => m.id === 1)?.ok, true);
    assert.match(String(messages.find((m) => m.id === 2)?.error), /Invalid getRun request at run/);
    assert.equal(messages.filter((m) => m.type === 'reply').length, 103);
  });
});
