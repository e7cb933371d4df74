/**
 * The renderer's one view of the backend. Two implementations share this interface (like Netron's
 * desktop and browser hosts): the loopback client over HTTP + WebSocket (here), and the Electron
 * preload bridge (issue #5). The page never sees which one it has.
 */
import type { JobInfo, OperationName, Request, Response } from '../../../shared/api/contract.ts';

export interface TagscapeClient {
  call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>>;
  /** Every job change, including the jobs already running when the window (re)loads; returns the unsubscribe. */
  onJobs(listener: (jobs: JobInfo[]) => void): () => void;
  /** Desktop only: the Save dialog; where the file was written, or null when cancelled. A browser downloads instead. */
  save?(file: Response<'exportChart'>): Promise<string | null>;
  /** Desktop only: the Open dialog; the chosen file's path, or null when cancelled. In a browser the path is typed. */
  pickDataFile?(): Promise<string | null>;
  /** Desktop only: a file dropped on the window, granted for reading by main's file-access rules; its path, or null when it is not a data file. */
  openDroppedFile?(file: File): Promise<string | null>;
  /** Desktop only: a data file chosen in the native menu (File › Open data…, Open recent); returns the unsubscribe. */
  onOpenData?(listener: (file: string) => void): () => void;
  /** Desktop only: View › a page, File › Export… in the native menu; returns the unsubscribe. */
  onShowPage?(listener: (page: string) => void): () => void;
}

type Reply<T> = { ok: boolean; result?: T; error?: string };

/** What both transports share: the jobs seen so far, their listeners, and a reply's result or sentence. */
abstract class ClientBase implements TagscapeClient {
  private jobs = new Map<string, JobInfo>();
  private listeners = new Set<(jobs: JobInfo[]) => void>();

  abstract call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>>;

  protected updateJobs(jobs: JobInfo[]): void {
    jobs.forEach((j) => this.jobs.set(j.id, j));
    const list = [...this.jobs.values()];
    this.listeners.forEach((l) => l(list));
  }

  protected static result<T>(op: string, reply: Reply<T>): T {
    if (!reply.ok) throw new Error(reply.error ?? `${op} failed`);
    return reply.result as T;
  }

  onJobs(listener: (jobs: JobInfo[]) => void): () => void {
    this.listeners.add(listener);
    listener([...this.jobs.values()]);
    return () => void this.listeners.delete(listener);
  }
}

export class LoopbackClient extends ClientBase {
  constructor() {
    super();
    // The per-launch token came in the page URL; the server set it as a same-site cookie, which this
    // origin's fetch and WebSocket send along. Drop it from the address bar.
    if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(`ws://${location.host}/events`);
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { type: string; jobs?: JobInfo[]; job?: JobInfo };
      if (m.type === 'jobs') this.updateJobs(m.jobs!);
      else if (m.type === 'job') this.updateJobs([m.job!]);
    };
    ws.onclose = () => setTimeout(() => this.connect(), 2000);
  }

  async call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>> {
    const res = await fetch(`api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return ClientBase.result(op, (await res.json()) as Reply<Response<K>>);
  }
}

interface PreloadBridge {
  onJob(listener: (job: JobInfo) => void): () => void;
  openDataFile(): Promise<string | null>;
  openDroppedFile(file: File): Promise<string | null>;
  onOpenData(listener: (file: string) => void): () => void;
  onShowPage(listener: (page: string) => void): () => void;
  saveFile(file: Response<'exportChart'>): Promise<string | null>;
  [op: string]: unknown;
}

/** The Electron implementation: one preload function per operation (see main/electron/preload.ts). */
export class PreloadClient extends ClientBase {
  constructor(private readonly bridge: PreloadBridge) {
    super();
    bridge.onJob((job) => this.updateJobs([job]));
    // Jobs started before this window (re)loaded.
    void this.call('listJobs', {}).then(({ jobs }) => this.updateJobs(jobs));
  }

  async call<K extends OperationName>(op: K, payload: Request<K>): Promise<Response<K>> {
    return ClientBase.result(op, await (this.bridge[op] as (p: unknown) => Promise<Reply<Response<K>>>)(payload));
  }

  pickDataFile(): Promise<string | null> {
    return this.bridge.openDataFile();
  }

  openDroppedFile(file: File): Promise<string | null> {
    return this.bridge.openDroppedFile(file);
  }

  onOpenData(listener: (file: string) => void): () => void {
    return this.bridge.onOpenData(listener);
  }

  onShowPage(listener: (page: string) => void): () => void {
    return this.bridge.onShowPage(listener);
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
