/**
 * The last few computations by key, each made once however many requests ask for it meanwhile; a failed
 * one is forgotten, so the next request tries again. The handlers keep loaded data sets in one, the jet
 * table its orders, columns and scores.
 */
export class PromiseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  /** @param keep entries kept; the oldest leaves first */
  constructor(private readonly keep: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The cached computation for `key`, or `make()`'s, kept. */
  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    if (this.entries.size >= this.keep) this.entries.delete(this.entries.keys().next().value!);
    const p = make();
    p.catch(() => this.entries.get(key) === p && this.entries.delete(key));
    this.entries.set(key, p);
    return p;
  }
}
