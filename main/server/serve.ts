/**
 * The loopback server: the same handler registry as the Electron shell, over HTTP (POST /api/<op>) and a
 * WebSocket (/events: job events pushed, and {id, op, payload} calls answered), bound to 127.0.0.1.
 * A random per-launch token guards every request and socket; the page gets it once in the URL and then
 * as an HttpOnly same-site cookie. The Host header must name the loopback address (no DNS rebinding).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { EXPORT_OPERATIONS, MAX_EXPORT_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES } from '../../shared/api/contract.ts';
import { JobManager } from '../jobs/job-manager.ts';
import { createHandlers, dispatch } from './handlers.ts';

export interface ServeOptions {
  workspace: string;
  /** 0 = any free port. @default 0 */
  port?: number;
  /** Built renderer files. @default renderer/dist */
  staticDir?: string;
  maxJobs?: number;
}

export interface Server {
  url: string;
  port: number;
  token: string;
  jobs: JobManager;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.wasm': 'application/wasm', '.woff2': 'font/woff2',
};

function csp(port: number): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port}`, "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
  ].join('; ');
}

/** The request's URL, or null when the request line holds none (`new URL` would throw in the handler). */
function requestUrl(req: http.IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** A %-encoded part of a request, or null when its encoding is broken (which must not throw in a handler). */
function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = /(?:^|;\s*)tagscape_token=([^;]+)/.exec(req.headers.cookie ?? '');
  return cookie ? decoded(cookie[1]) : null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

export async function serve(options: ServeOptions): Promise<Server> {
  const token = crypto.randomBytes(24).toString('base64url');
  const jobs = new JobManager({ workspace: options.workspace, maxConcurrent: options.maxJobs });
  const handlers = createHandlers(options.workspace, jobs);
  const staticDir = path.resolve(options.staticDir ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'renderer', 'dist'));
  let port = 0;

  const server = http.createServer((req, res) => {
    const url = requestUrl(req);
    if (!url) return send(res, 400, 'Bad request: no valid URL.\n');
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 403, 'Forbidden: Tagscape answers only on its loopback address.\n');
    const given = tokenOf(req, url);
    if (!given) return send(res, 401, 'Unauthorized: open the URL with the token that `tagscape serve` printed.\n');
    if (!same(given, token)) return send(res, 403, 'Forbidden: wrong token; use the URL that `tagscape serve` printed at this launch.\n');
    const cookie = `tagscape_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'API calls are POST requests with a JSON body.' });
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      const limit = EXPORT_OPERATIONS.includes(url.pathname.slice(5)) ? MAX_EXPORT_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) tooBig = true;
        else chunks.push(c);
      });
      req.on('end', () => {
        if (tooBig) return send(res, 413, { ok: false, error: `The request is larger than ${limit} bytes.` });
        let payload: unknown;
        try {
          payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          return send(res, 400, { ok: false, error: 'The request body is not valid JSON.' });
        }
        void dispatch(handlers, decoded(url.pathname.slice(5)), payload).then((reply) => send(res, reply.ok ? 200 : 400, reply));
      });
      return;
    }
    // Static renderer files, confined to staticDir.
    const rel = url.pathname === '/' ? 'index.html' : (decoded(url.pathname) ?? '').replace(/^\/+/, '');
    if (!rel) return send(res, 404, 'Not found.\n');
    const file = path.resolve(staticDir, rel);
    if (!file.startsWith(staticDir + path.sep)) return send(res, 404, 'Not found.\n');
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (rel === 'index.html') return send(res, 503, 'The Tagscape UI is not built (renderer/dist is missing); the API is available under /api/.\n', { 'set-cookie': cookie });
      return send(res, 404, 'Not found.\n');
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp(port), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'set-cookie': cookie,
    });
    fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = requestUrl(req);
    const given = url && tokenOf(req, url);
    const hostOk = req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
    if (!url || url.pathname !== '/events' || !hostOk || !given || !same(given, token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws: WebSocket) => {
    ws.send(JSON.stringify({ type: 'jobs', jobs: jobs.list() }));
    ws.on('message', (data) => {
      let msg: { id?: unknown; op?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return ws.send(JSON.stringify({ type: 'reply', id: null, ok: false, error: 'The message is not valid JSON.' }));
      }
      const id = typeof msg?.id === 'number' || typeof msg?.id === 'string' ? msg.id : null;
      void dispatch(handlers, msg?.op, msg?.payload ?? {}).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id, ...reply }));
      });
    });
    ws.on('error', () => ws.terminate());
  });
  jobs.on('job', (job) => {
    const text = JSON.stringify({ type: 'job', job });
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    jobs,
    close: () =>
      new Promise<void>((resolve) => {
        jobs.shutdown();
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
