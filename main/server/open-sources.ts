/**
 * Files the Data page reads from disk, kept open between its requests (their labels in memory, their
 * inputs read as a request needs them) so that each request does not hash and open the file again. The
 * last few stay open; one that leaves is closed once the requests using it are done.
 */
import type { JetSource } from '../engine/data/source.ts';

interface Entry {
  source: Promise<JetSource>;
  users: number;
  gone: boolean;
}

export class OpenSources {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param open opens a spec; a source it returns in memory is used once and not kept (its opener caches it)
   * @param keep files kept open. @default 2
   */
  constructor(
    private readonly open: (spec: string) => Promise<JetSource>,
    private readonly keep = 2,
  ) {}

  /** `fn` on the spec's open source, which stays open until `fn` is done. */
  async use<T>(spec: string, fn: (src: JetSource) => Promise<T>): Promise<T> {
    let entry = this.entries.get(spec);
    if (!entry) {
      if (this.entries.size >= this.keep) this.drop(this.entries.keys().next().value!);
      const created: Entry = { source: this.open(spec), users: 0, gone: false };
      created.source.catch(() => this.entries.get(spec) === created && this.entries.delete(spec));
      this.entries.set(spec, created);
      entry = created;
    }
    entry.users++;
    try {
      const src = await entry.source;
      if (src.inMemory) this.drop(spec);
      return await fn(src);
    } finally {
      entry.users--;
      if (entry.gone && entry.users === 0) this.close(entry);
    }
  }

  private drop(spec: string): void {
    const entry = this.entries.get(spec);
    if (!entry) return;
    this.entries.delete(spec);
    entry.gone = true;
    if (entry.users === 0) this.close(entry);
  }

  private close(entry: Entry): void {
    entry.source.then((src) => src.close(), () => {});
  }
}
