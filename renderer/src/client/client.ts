/**
 * The renderer's one view of the backend. Two implementations share this interface (like Netron's
 * desktop and browser hosts): the loopback client over HTTP + WebSocket (here), and the Electron
 * preload bridge (issue #5). The page never sees which one it has.
 */
import type { JobInfo, OperationName, Request, Response } from '../../../shared/api/contract.ts';

export interface TagscapeClient {
  call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>>;
  /** Every job change, including the jobs already running when the window (re)loads. */
  onJobs(listener: (jobs: JobInfo[]) => void): void;
  /** Save an exported file where the user chooses (Electron's dialog); without it the page downloads (renderer/src/export.ts). */
  /** Desktop only: the Save dialog; where the file was written, or null when cancelled. A browser downloads instead. */
  save?(file: Response<'exportChart'>): Promise<string | null>;
  /** Desktop only: the Open dialog; the chosen file's path, or null when cancelled. In a browser the path is typed. */
  pickDataFile?(): Promise<string | null>;
}

export class LoopbackClient implements TagscapeClient {
  private jobs = new Map<string, JobInfo>();
  private listeners: Array<(jobs: JobInfo[]) => void> = [];

  constructor() {
    // The per-launch token came in the page URL; the server set it as a same-site cookie, which this
    // origin's fetch and WebSocket send along. Drop it from the address bar.
    if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(`ws://${location.host}/events`);
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { type: string; jobs?: JobInfo[]; job?: JobInfo };
      if (m.type === 'jobs') m.jobs!.forEach((j) => this.jobs.set(j.id, j));
      else if (m.type === 'job') this.jobs.set(m.job!.id, m.job!);
      else return;
      const list = [...this.jobs.values()];
      this.listeners.forEach((l) => l(list));
    };
    ws.onclose = () => setTimeout(() => this.connect(), 2000);
  }

  async call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>> {
    const res = await fetch(`api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const reply = (await res.json()) as { ok: boolean; result?: Response<K>; error?: string };
    if (!reply.ok) throw new Error(reply.error ?? `${op} failed`);
    return reply.result as Response<K>;
  }

  onJobs(listener: (jobs: JobInfo[]) => void): void {
    this.listeners.push(listener);
    listener([...this.jobs.values()]);
  }
}

interface PreloadBridge {
  onJob(listener: (job: JobInfo) => void): () => void;
  openDataFile(): Promise<string | null>;
  saveFile(file: Response<'exportChart'>): Promise<string | null>;
  [op: string]: unknown;
}

/** The Electron implementation: one preload function per operation (see main/electron/preload.ts). */
export class PreloadClient implements TagscapeClient {
  private jobs = new Map<string, JobInfo>();
  private listeners: Array<(jobs: JobInfo[]) => void> = [];

  constructor(private readonly bridge: PreloadBridge) {
    bridge.onJob((job) => {
      this.jobs.set(job.id, job);
      this.emit();
    });
    // Jobs started before this window (re)loaded.
    void this.call('listJobs', {}).then(({ jobs }) => {
      jobs.forEach((j) => this.jobs.set(j.id, j));
      this.emit();
    });
  }

  private emit(): void {
    const list = [...this.jobs.values()];
    this.listeners.forEach((l) => l(list));
  }

  async call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>> {
    const reply = (await (this.bridge[op] as (p: unknown) => Promise<{ ok: boolean; result?: Response<K>; error?: string }>)(payload));
    if (!reply.ok) throw new Error(reply.error ?? `${op} failed`);
    return reply.result as Response<K>;
  }

  onJobs(listener: (jobs: JobInfo[]) => void): void {
    this.listeners.push(listener);
    listener([...this.jobs.values()]);
  }

  pickDataFile(): Promise<string | null> {
    return this.bridge.openDataFile();
  }

  save(file: Response<'exportChart'>): Promise<string | null> {
    return this.bridge.saveFile(file);
  }
}

/** The desktop bridge when the preload put one there, else the loopback server. */
export function createClient(): TagscapeClient {
  const bridge = (window as unknown as { tagscape?: PreloadBridge }).tagscape;
  return bridge ? new PreloadClient(bridge) : new LoopbackClient();
}
