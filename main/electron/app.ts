/**
 * Electron main: one secure window on the app:// protocol, the shared handler registry on IPC (every
 * payload validated, every sender frame checked), jobs in utility processes, and the security rules of
 * the Electron checklist in one place. The engine is the same one the CLI and the loopback server use.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, net, protocol, session, shell, utilityProcess, type WebContents } from 'electron';
import { OPERATIONS, type OperationName } from '../../shared/api/contract.ts';
import { initBackend } from '../engine/backend.ts';
import { JobManager, type JobProcess } from '../jobs/job-manager.ts';
import { createHandlers, dispatch } from '../server/handlers.ts';
import { APP_CSP, isAllowedExternal, isAppUrl, secureWindowOptions } from './window-options.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER = path.resolve(here, '..', 'renderer');
const PRELOAD = path.join(here, '..', 'preload', 'index.mjs');

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function securityRules(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** A utility process presented as a job process: postMessage for send, exit for close. */
function utilityJob(entry: string): JobProcess {
  const child = utilityProcess.fork(entry.replace(/\.ts$/, '.mjs'), [], { stdio: 'pipe', serviceName: 'Tagscape job' });
  return {
    send: (m) => child.postMessage(m),
    kill: () => void child.kill(),
    on: ((event: string, listener: (...a: unknown[]) => void) => {
      if (event === 'message') child.on('message', (m) => listener(m));
      else child.on('exit', (code) => listener(code, null));
    }) as JobProcess['on'],
    stderr: child.stderr,
  };
}

app.whenReady().then(async () => {
  await initBackend();
  const workspace = process.env.TAGSCAPE_WORKSPACE ?? path.join(app.getPath('userData'), 'workspace');
  // Jobs run in Electron utility processes; the job protocol is the same as under plain Node.
  const jobs = new JobManager({ workspace, spawn: utilityJob });
  const handlers = createHandlers(workspace, jobs);

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } }));
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    const file = path.resolve(RENDERER, decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html');
    if (!file.startsWith(RENDERER + path.sep)) return new Response('Not found', { status: 404 });
    return net.fetch(`file://${file}`);
  });

  const win = new BrowserWindow(secureWindowOptions(PRELOAD));
  for (const op of Object.keys(OPERATIONS) as OperationName[]) {
    ipcMain.handle(`tagscape:${op}`, async (event, payload) => {
      // Only our own page, in the top frame, may call the engine.
      if (event.senderFrame?.url && !isAppUrl(event.senderFrame.url)) return { ok: false, error: 'Refused: the request did not come from Tagscape\'s page.' };
      return dispatch(handlers, op, payload);
    });
  }
  jobs.on('job', (job) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('tagscape:job', job);
  });
  app.on('web-contents-created', (_e, contents) => securityRules(contents));
  securityRules(win.webContents);
  win.once('ready-to-show', () => win.show());
  await win.loadURL('app://tagscape/index.html');
  app.on('before-quit', () => jobs.shutdown());
});

app.on('window-all-closed', () => app.quit());
