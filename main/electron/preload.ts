/**
 * The only bridge between the page and the app: one function per operation of the shared contract,
 * each sending on its own channel, plus a job-event subscription. Raw ipcRenderer never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { OPERATIONS, type OperationName } from '../../shared/api/contract.ts';

const api: Record<string, (payload: unknown) => Promise<unknown>> = {};
for (const op of Object.keys(OPERATIONS) as OperationName[]) {
  api[op] = (payload: unknown) => ipcRenderer.invoke(`tagscape:${op}`, payload);
}

contextBridge.exposeInMainWorld('tagscape', {
  ...api,
  onJob: (listener: (job: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, job: unknown) => listener(job);
    ipcRenderer.on('tagscape:job', handler);
    return () => ipcRenderer.removeListener('tagscape:job', handler);
  },
});
