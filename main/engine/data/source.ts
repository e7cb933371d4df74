/**
 * A jet source: jets whose labels and weights sit in memory (a few bytes per jet) while the features
 * (F floats per jet) are read on demand, a block of rows at a time. Training and evaluation read every
 * source the same way, so a file streamed from disk gives the same numbers as the file loaded whole.
 */
import type { FeatureSchema } from '../schema/index.ts';
import type { DataSource, JetDataset } from './dataset.ts';
import { gather, iota } from './gather.ts';

export interface JetSource {
  schema: FeatureSchema;
  n: number;
  /** Class index per jet. */
  labels: Int32Array;
  weights?: Float32Array;
  source: DataSource;
  /** True when every feature is already in memory (readRows then costs no I/O). */
  inMemory: boolean;
  /**
   * A file whose reader asked for memory rather than disk (`--in-memory`): a step that needs random
   * access to some rows (training: its training jets) holds those in memory instead of a scratch file;
   * rows it reads in order are still read from the file or a scratch file. @default false
   */
  holdRows?: boolean;
  /** Row ranges [start, end) in reading order that cover 0..n; each is one cheap read. */
  blocks(): Array<[number, number]>;
  /**
   * Features of jets [start, end) in physical units, row-major, checked at the boundary like a full load.
   * `into`, when given (at least (end - start) x F floats), is where a file source may read them and return
   * a view of: a pass over a file then reuses one block instead of leaving one dead array per block, which
   * the process holds until the collector runs. Sources that hold their features return a view of those.
   */
  readRows(start: number, end: number, into?: Float32Array): Promise<Float32Array>;
  /** Release the file; the source cannot be read afterwards. */
  close(): Promise<void> | void;
}

/**
 * Jets per block read from a file a block at a time: 2.2 MB of DeepCSV inputs. Larger blocks read no
 * faster (HDF5 reads are staged 8192 jets at a time anyway) and each pass keeps a few block-sized buffers.
 */
export const DEFAULT_BLOCK_ROWS = 8192;

/** Consecutive ranges of at most `rows` rows covering [start, end). */
export function rowRanges(start: number, end: number, rows: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = start; s < end; s += rows) out.push([s, Math.min(end, s + rows)]);
  return out;
}

/** A loaded dataset seen as a source: reads are views into its features. */
export function memorySource(d: JetDataset): JetSource {
  const F = d.schema.features.length;
  return {
    schema: d.schema,
    n: d.n,
    labels: d.labels,
    weights: d.weights,
    source: d.source,
    inMemory: true,
    blocks: () => rowRanges(0, d.n, DEFAULT_BLOCK_ROWS),
    readRows: async (start, end) => d.features.subarray(start * F, end * F),
    close: () => {},
  };
}

/** Every jet of a source as a dataset, read at once (a view into the features when they are in memory). */
export async function readWhole(src: JetSource): Promise<JetDataset> {
  const features = await src.readRows(0, src.n);
  return { schema: src.schema, n: src.n, features, labels: src.labels, weights: src.weights, source: src.source };
}

function isJetSource(d: JetDataset | JetSource): d is JetSource {
  return typeof (d as JetSource).readRows === 'function';
}

/** Jets loaded whole or a source, as a source. */
export function asSource(d: JetDataset | JetSource): JetSource {
  return isJetSource(d) ? d : memorySource(d);
}

/**
 * Reads the source's blocks through one array, grown to the largest block. Before each read from a file
 * the event loop runs once: a pass over a large file in the loopback server or the Electron main process
 * (the Data page's summary and columns, Evaluate) then holds up other requests for one block, not the file.
 */
function blockReader(src: JetSource): (s: number, e: number) => Promise<Float32Array> {
  const F = src.schema.features.length;
  let buffer = new Float32Array(0);
  return async (s, e) => {
    if (buffer.length < (e - s) * F) buffer = new Float32Array((e - s) * F);
    if (!src.inMemory) await new Promise((resolve) => setImmediate(resolve));
    return src.readRows(s, e, buffer);
  };
}

/** Every block of the source in order: `fn(start, features)` with features (end - start) x F, valid during the call. */
export async function forEachBlock(src: JetSource, fn: (start: number, features: Float32Array) => void | Promise<void>): Promise<void> {
  const read = blockReader(src);
  for (const [s, e] of src.blocks()) await fn(s, await read(s, e));
}

/** Input `f` of every jet, read in one pass over the source: 4 bytes a jet instead of the F x 4 of its rows. */
export async function readColumn(src: JetSource, f: number): Promise<Float32Array> {
  const F = src.schema.features.length;
  const out = new Float32Array(src.n);
  await forEachBlock(src, (start, x) => {
    const k = x.length / F;
    for (let i = 0; i < k; i++) out[start + i] = x[i * F + f];
  });
  return out;
}

/** Rows at most this far apart are read together (the rows between them too): one read instead of two. */
const NEARBY_ROWS = 64;

/**
 * The features of the given jets, in any order, as rows.length x F in that order: what a window of a
 * sorted table shows. Nearby rows are grouped into one read, so a window costs a few reads, not one per jet.
 */
export async function readRowsAt(src: JetSource, rows: ArrayLike<number>): Promise<Float32Array> {
  const F = src.schema.features.length;
  const out = new Float32Array(rows.length * F);
  const at = Array.from({ length: rows.length }, (_, k) => k).sort((a, b) => rows[a] - rows[b]);
  for (let k = 0; k < at.length; ) {
    let e = k + 1;
    while (e < at.length && rows[at[e]] - rows[at[e - 1]] <= NEARBY_ROWS) e++;
    const first = rows[at[k]];
    const x = await src.readRows(first, rows[at[e - 1]] + 1);
    for (; k < e; k++) out.set(x.subarray((rows[at[k]] - first) * F, (rows[at[k]] - first + 1) * F), at[k] * F);
  }
  return out;
}

/**
 * The features of the given jets (ascending row indices), gathered in one pass over the source into
 * consecutive batches of `batchRows` jets: `fn(first, features)` receives rows[first .. first + k) as a
 * k x F array, with k = batchRows except for the last batch. The batches do not depend on how the
 * source is split into blocks, so the consumer sees the same batches from a file and from memory.
 * The array is reused for the next batch: copy what must outlive the call.
 */
export async function forEachRowBatch(
  src: JetSource,
  rows: Uint32Array,
  batchRows: number,
  fn: (first: number, features: Float32Array) => void | Promise<void>,
): Promise<void> {
  const F = src.schema.features.length;
  if (rows.length === 0) return;
  const buffer = new Float32Array(Math.min(batchRows, rows.length) * F);
  let batch = buffer;
  let filled = 0;
  let first = 0;
  let r = 0;
  const read = blockReader(src);
  for (const [s, e] of src.blocks()) {
    if (r >= rows.length) break;
    if (rows[r] >= e) continue;
    const block = await read(s, e);
    for (; r < rows.length && rows[r] < e; r++) {
      const i = rows[r];
      if (i < s || (r > 0 && i <= rows[r - 1])) throw new Error('Row indices must be ascending and inside the source.');
      batch.set(block.subarray((i - s) * F, (i - s + 1) * F), filled * F);
      filled++;
      if (filled * F === batch.length) {
        await fn(first, batch);
        first += filled;
        filled = 0;
        batch = buffer.subarray(0, Math.min(batchRows, rows.length - first) * F);
      }
    }
  }
  if (r < rows.length) throw new Error(`Row ${rows[r]} is outside the source's ${src.n} jets.`);
}

/**
 * Only the given jets (ascending row indices) of a source, as a dataset of rows.length jets in that order:
 * what a step that uses a few jets of a large file reads, instead of the file whole.
 */
const SELECT_BATCH_ROWS = 4096;

export async function readSelected(src: JetSource, rows: Uint32Array): Promise<JetDataset> {
  const F = src.schema.features.length;
  const features = new Float32Array(rows.length * F);
  // Batches of a few thousand jets: one batch of all the rows would hold every selected jet twice.
  await forEachRowBatch(src, rows, SELECT_BATCH_ROWS, (first, batch) => features.set(batch, first * F));
  const labels = gather(src.labels, rows);
  const weights = src.weights ? gather(src.weights, rows) : undefined;
  return { schema: src.schema, n: rows.length, features, labels, weights, source: src.source };
}

/**
 * The given jets (ascending row indices) and their positions `at` in the returned data: in place when the
 * source holds every jet or `all` asks for every jet, else only their rows, read from the file.
 */
export async function jetsAt(src: JetSource, rows: Uint32Array, all = false): Promise<{ data: JetDataset; at: Uint32Array }> {
  if (all || src.inMemory) return { data: await readWhole(src), at: rows };
  return { data: await readSelected(src, rows), at: iota(rows.length) };
}
