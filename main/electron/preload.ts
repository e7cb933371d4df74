/**
 * The only bridge between the page and the app: one function per operation of the shared contract,
 * each sending on its own channel, plus the Open and Save dialogs and a job-event subscription. Raw ipcRenderer never reaches the page.
 * Built as one CommonJS file (out/preload/index.cjs): a sandboxed preload can require only 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { JobInfo } from '../../shared/api/contract.ts';
import { JOB_CHANNEL, OPEN_DATA_CHANNEL, OPERATION_NAMES, SAVE_FILE_CHANNEL } from '../../shared/api/operation-names.ts';

const api: Record<string, (payload: unknown) => Promise<unknown>> = {};
for (const op of OPERATION_NAMES) {
  api[op] = (payload: unknown) => ipcRenderer.invoke(`tagscape:${op}`, payload);
}

contextBridge.exposeInMainWorld('tagscape', {
  ...api,
  /** The Open dialog; resolves to the chosen file's path (granted for reading), or null. */
  openDataFile: () => ipcRenderer.invoke(OPEN_DATA_CHANNEL) as Promise<string | null>,
  /** The Save dialog for an exported figure ({filename, mime, base64}); resolves to where it was written, or null. */
  saveFile: (file: unknown) => ipcRenderer.invoke(SAVE_FILE_CHANNEL, file) as Promise<string | null>,
  onJob: (listener: (job: JobInfo) => void) => {
    const handler = (_e: IpcRendererEvent, job: JobInfo) => listener(job);
    ipcRenderer.on(JOB_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(JOB_CHANNEL, handler);
  },
});
