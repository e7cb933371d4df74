/**
 * Electron main: one secure window on the app:// protocol, the shared handler registry on IPC (every
 * payload validated, every sender frame checked), jobs in utility processes, and the security rules of
 * the Electron checklist in one place. The engine is the same one the CLI and the loopback server use.
 *
 * Runs only as the bundle electron-vite builds (out/main/index.js): the paths below are those of out/.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, protocol, screen, session, shell, utilityProcess, type WebContents } from 'electron';
import { describeBackend } from '../engine/backend.ts';
import { engineInfo } from '../engine/engine-info.ts';
import { TAGSCAPE_VERSION } from '../engine/version.ts';
import { writeJsonAtomic } from '../engine/store/atomic.ts';
import { JobManager } from '../jobs/job-manager.ts';
import { writeFileAtomic } from '../engine/store/atomic.ts';
import { Workspace } from '../engine/store/workspace.ts';
import { createHandlers } from '../server/handlers.ts';
import { OPERATIONS } from '../../shared/api/contract.ts';
import { OPEN_DATA_CHANNEL, OPERATION_NAMES, SAVE_FILE_CHANNEL } from '../../shared/api/operation-names.ts';
import { DROP_FILE_CHANNEL, MENU_OPEN_DATA_CHANNEL, MENU_PAGE_CHANNEL } from '../../shared/api/desktop-channels.ts';
import { PAGE_LABELS, PAGES } from '../../shared/pages.ts';
import { withRecent } from '../../shared/recent.ts';
import { DATA_FILE_EXTENSIONS, FileGrants, isDataFile, recordedDataFiles } from './file-access.ts';
import { jobEndNotification } from './job-notification.ts';
import { aboutText, menuTemplate } from './menu.ts';
import { readWindowState, writeWindowState } from './window-state.ts';
import { fromAppPage, ipcCall } from './ipc.ts';
import { streamJobs } from './job-stream.ts';
import { utilityJobProcess } from './utility-job.ts';
import { APP_CSP, isAllowedExternal, isAppUrl, secureWindowOptions } from './window-options.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER = path.resolve(here, '..', 'renderer');
const PRELOAD = path.join(here, '..', 'preload', 'index.cjs');
/** The job process entry, bundled beside this file (electron.vite.config.ts). */
const JOB_ENTRY = path.join(here, 'job-entry.js');
/** A 100-megapixel PNG at most (the export limit) compresses well below this. */
const MAX_SAVED_BASE64 = 256 << 20;
/** What an exported figure may be saved as. */
const FIGURE_TYPES = new Map([['application/pdf', 'pdf'], ['image/svg+xml', 'svg'], ['image/png', 'png']]);

// Standard and secure like https (relative URLs, an origin of its own); CORS-enabled because the page's
// scripts are ES modules, which Chromium fetches in CORS mode even from their own origin.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

function securityRules(contents: WebContents): void {
  // Top-level navigations, server redirects and navigations inside frames: the app's own pages only.
  const guard = (e: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(e.url)) e.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
app.on('web-contents-created', (_e, contents) => securityRules(contents));

/** The built renderer files, each with the app's CSP; nothing outside out/renderer is served. */
async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const file = path.resolve(RENDERER, decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html');
  if (!file.startsWith(RENDERER + path.sep)) return new Response('Not found', { status: 404 });
  const res = await net.fetch(pathToFileURL(file).toString());
  const headers = new Headers(res.headers);
  headers.set('Content-Security-Policy', APP_CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(res.body, { status: res.status, headers });
}

/** Recently opened data files for File › Open recent, kept in userData/recent-files.json. */
function recentFiles(file: string) {
  let list: string[] = [];
  try {
    const saved: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Array.isArray(saved)) list = saved.filter((f): f is string => typeof f === 'string');
  } catch {
    /* none yet */
  }
  return {
    list: () => list,
    add(data: string) {
      list = withRecent(list, data);
      writeJsonAtomic(file, list);
    },
    clear() {
      list = [];
      writeJsonAtomic(file, list);
    },
  };
}

async function start(): Promise<void> {
  const backend = await engineInfo();
  // The same default workspace as `npm start` without Electron, so runs show up in both.
  const workspace = process.env.TAGSCAPE_WORKSPACE ?? path.join(os.homedir(), '.tagscape', 'workspace');
  const jobs = new JobManager({ workspace, spawn: () => utilityJobProcess(utilityProcess.fork, JOB_ENTRY) });
  app.on('before-quit', () => jobs.shutdown());
  const handlers = createHandlers(workspace, jobs);

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle('app', serveRenderer);
  const ws = new Workspace(workspace);
  const grants = new FileGrants(() => recordedDataFiles(ws));
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(`tagscape:${op}`, (event, payload) => ipcCall(handlers, op, payload, event.senderFrame, grants));
  }

  // The size and position of the last session, on a display that is still there.
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const state = readWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({ ...secureWindowOptions(PRELOAD), width: state.width, height: state.height, ...(state.x !== undefined ? { x: state.x, y: state.y } : {}) });
  if (state.maximized) win.maximize();
  win.on('close', () => writeWindowState(stateFile, win.getNormalBounds(), win.isMaximized()));

  const recent = recentFiles(path.join(app.getPath('userData'), 'recent-files.json'));
  /** A file the user chose (dialog, drop, menu): readable from now on, and first in Open recent. */
  const opened = (file: string) => {
    grants.grant(file);
    recent.add(file);
    setMenu();
    return file;
  };
  const pickDataFile = async () => {
    const r = await dialog.showOpenDialog(win, { title: 'Open jets', properties: ['openFile'], filters: [{ name: 'Jet data', extensions: DATA_FILE_EXTENSIONS }, { name: 'All files', extensions: ['*'] }] });
    return r.canceled || !r.filePaths.length ? null : opened(r.filePaths[0]);
  };
  const send = (channel: string, value: string) => {
    if (!win.isDestroyed()) win.webContents.send(channel, value);
  };
  const setMenu = () =>
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({
      pages: PAGES.map((id) => ({ id, label: PAGE_LABELS[id] })),
      recent: recent.list(),
      platform: process.platform,
      actions: {
        openData: () => void pickDataFile().then((f) => f && send(MENU_OPEN_DATA_CHANNEL, f)),
        openRecent: (file) => {
          if (isDataFile(file)) send(MENU_OPEN_DATA_CHANNEL, opened(file));
          else void dialog.showMessageBox(win, { type: 'warning', message: `${file} is no longer there, or is not a data file.` });
        },
        clearRecent: () => {
          recent.clear();
          setMenu();
        },
        exportFigures: () => send(MENU_PAGE_CHANNEL, 'export'),
        showPage: (page) => send(MENU_PAGE_CHANNEL, page),
        about: () => void dialog.showMessageBox(win, { title: 'About Tagscape', message: aboutText(TAGSCAPE_VERSION, describeBackend(backend)) }),
      },
    })));
  setMenu();

  ipcMain.handle(OPEN_DATA_CHANNEL, (event) => (fromAppPage(event.senderFrame) ? pickDataFile() : null));
  // A file dropped on the window; the preload took its path from the dropped File itself.
  ipcMain.handle(DROP_FILE_CHANNEL, (event, file: unknown) => (fromAppPage(event.senderFrame) && isDataFile(file) ? opened(file) : null));

  // A long job that ends while the user is in another window gets a system notification.
  const notified = new Set<string>();
  jobs.on('job', (job) => {
    const notice = notified.has(job.id) || win.isDestroyed() ? null : jobEndNotification(job, win.isFocused(), Date.now());
    if (!notice || !Notification.isSupported()) return;
    notified.add(job.id);
    new Notification(notice).show();
  });
  // An exported figure, written where the user says (atomically: a cancelled or failed write leaves no half
  // file). Only figure types, with their own extension, whatever name the page suggests.
  ipcMain.handle(SAVE_FILE_CHANNEL, async (event, payload) => {
    if (!fromAppPage(event.senderFrame)) return null;
    const file = OPERATIONS.exportChart.response.safeParse(payload);
    const ext = file.success ? FIGURE_TYPES.get(file.data.mime) : undefined;
    if (!file.success || !ext || file.data.base64.length > MAX_SAVED_BASE64) return null;
    const base = path.basename(file.data.filename).replace(/\.[^.]*$/, '') || 'tagscape-figure';
    const r = await dialog.showSaveDialog(win, {
      title: 'Save figure',
      defaultPath: path.join(app.getPath('documents'), `${base}.${ext}`),
      filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
    });
    if (r.canceled || !r.filePath) return null;
    const target = r.filePath.toLowerCase().endsWith(`.${ext}`) ? r.filePath : `${r.filePath}.${ext}`;
    writeFileAtomic(target, Buffer.from(file.data.base64, 'base64'));
    return target;
  });
  streamJobs(jobs, win.webContents);
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL('app://tagscape/index.html');
}

// One app per user: a second launch focuses the first window instead of racing it on the workspace.
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}
