/**
 * The only bridge between the page and the app: one function per operation of the shared contract,
 * each sending on its own channel, plus the Open and Save dialogs and a job-event subscription. Raw ipcRenderer never reaches the page.
 * Built as one CommonJS file (out/preload/index.cjs): a sandboxed preload can require only 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { JobInfo } from '../../shared/api/contract.ts';
import { JOB_CHANNEL, OPEN_DATA_CHANNEL, OPERATION_NAMES, SAVE_FILE_CHANNEL } from '../../shared/api/operation-names.ts';
import { DROP_FILE_CHANNEL, MENU_OPEN_DATA_CHANNEL, MENU_PAGE_CHANNEL } from '../../shared/api/desktop-channels.ts';

const api: Record<string, (payload: unknown) => Promise<unknown>> = {};
for (const op of OPERATION_NAMES) {
  api[op] = (payload: unknown) => ipcRenderer.invoke(`tagscape:${op}`, payload);
}

/** Main's messages on one channel, as a subscription that returns its unsubscribe. */
function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_e: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => void ipcRenderer.removeListener(channel, handler);
}

contextBridge.exposeInMainWorld('tagscape', {
  ...api,
  /** The Open dialog; resolves to the chosen file's path (granted for reading), or null. */
  openDataFile: () => ipcRenderer.invoke(OPEN_DATA_CHANNEL) as Promise<string | null>,
  /** The Save dialog for an exported figure ({filename, mime, base64}); resolves to where it was written, or null. */
  saveFile: (file: unknown) => ipcRenderer.invoke(SAVE_FILE_CHANNEL, file) as Promise<string | null>,
  /** A file dropped on the window: main grants it when it is a data file; resolves to its path, or null. The path
   * comes from the File object itself, so a page can only name files the user dropped. */
  openDroppedFile: (file: File) => {
    const p = webUtils.getPathForFile(file);
    return p ? (ipcRenderer.invoke(DROP_FILE_CHANNEL, p) as Promise<string | null>) : Promise.resolve(null);
  },
  onJob: (listener: (job: JobInfo) => void) => subscribe(JOB_CHANNEL, listener),
  /** File › Open data… and Open recent: the chosen file, already granted. */
  onOpenData: (listener: (file: string) => void) => subscribe(MENU_OPEN_DATA_CHANNEL, listener),
  /** View › a page, File › Export…. */
  onShowPage: (listener: (page: string) => void) => subscribe(MENU_PAGE_CHANNEL, listener),
});
