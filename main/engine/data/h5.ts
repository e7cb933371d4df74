/**
 * The Tagscape HDF5 layout (also what `attack --out` writes):
 *   features            N x F float32, physical units
 *   labels              N int32, index into class_names
 *   weights             N float32 (optional)
 *   feature_names       F strings
 *   feature_is_integer  F uint8
 *   feature_default     F float32, NaN where a feature has no default
 *   class_names         C strings
 *   extra datasets      any other N-long 1D array (e.g. source_index)
 *   attribute schema    schema name ("deepcsv", "uci")
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import type H5 from 'h5wasm/node';
import { getSchema } from '../schema/index.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { produceFileAtomic } from '../store/atomic.ts';
import { findNonFinite, type DataSource, type JetDataset } from './dataset.ts';
import { checkHdf5File } from './h5-superblock.ts';
import { DEFAULT_BLOCK_ROWS, rowRanges } from './source.ts';
import { sha256File } from './hash.ts';

type H5Module = typeof H5;
/** The Emscripten module under h5wasm's classes: its heap and the C reader (h5wasm's `ready` resolves to it). */
type H5Wasm = Awaited<H5Module['ready']>;

let loaded: Promise<H5Module> | null = null;
let wasm: H5Wasm | null = null;

/**
 * h5wasm, loaded on first use. Its 4 MB module, imported through tsx's loader, is rewritten with an inline
 * source map and costs about 600 MB of resident memory; the `tsx-namespace` query puts it outside the
 * namespace tsx registered, so Node loads it as it is (about 30 MB). Without tsx the query is harmless.
 */
export function loadH5wasm(): Promise<H5Module> {
  loaded ??= (async () => {
    let mod: H5Module;
    try {
      mod = (await import(`${import.meta.resolve('h5wasm/node')}?tsx-namespace=tagscape-raw`)).default as H5Module;
    } catch {
      mod = (await import('h5wasm/node')).default;
    }
    wasm = await mod.ready;
    return mod;
  })();
  return loaded;
}

const h5 = loadH5wasm;

/** Jets per read staged in h5wasm's heap: 2.2 MB of DeepCSV inputs, whatever the range asked for. */
const READ_BLOCK_ROWS = 8192;

export interface WriteOptions {
  /** Extra per-jet 1D arrays stored beside the features (e.g. source_index). */
  extra?: Record<string, Int32Array | Float32Array>;
  /** String attributes on the root group (provenance). */
  attributes?: Record<string, string>;
}

export async function writeJetsH5(file: string, d: JetDataset, options: WriteOptions = {}): Promise<void> {
  const h5wasm = await h5();
  const F = d.schema.features.length;
  await produceFileAtomic(path.resolve(file), (tmp) => {
    const f = new h5wasm.File(tmp, 'w');
    try {
      f.create_dataset({ name: 'features', data: d.features, shape: [d.n, F], dtype: '<f4' });
      f.create_dataset({ name: 'labels', data: d.labels, shape: [d.n], dtype: '<i4' });
      if (d.weights) f.create_dataset({ name: 'weights', data: d.weights, shape: [d.n], dtype: '<f4' });
      writeSchemaDatasets(f, d.schema, options);
    } finally {
      f.close();
    }
  });
}

/** One block of jets for writeJetsH5Chunked: `features` is (end - start) x F. */
export interface JetBlock {
  features: Float32Array;
  labels: Int32Array;
  weights?: Float32Array;
}

/**
 * Write n jets in the Tagscape layout a block at a time, so a file larger than memory can be produced:
 * `block(start, end)` is called for consecutive ranges of at most `blockRows` jets. The features are
 * stored as an HDF5-chunked dataset, which every reader reads like the contiguous one writeJetsH5 makes.
 */
export async function writeJetsH5Chunked(
  file: string,
  schema: FeatureSchema,
  n: number,
  block: (start: number, end: number) => JetBlock | Promise<JetBlock>,
  options: WriteOptions & { blockRows?: number } = {},
): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`The number of jets must be a positive integer, not ${n}.`);
  const blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS;
  const F = schema.features.length;
  const h5wasm = await h5();
  // Labels and weights are 4 bytes per jet: kept until the end and written whole.
  const labels = new Int32Array(n);
  let weights: Float32Array | undefined;
  await produceFileAtomic(path.resolve(file), async (tmp) => {
    const f = new h5wasm.File(tmp, 'w');
    try {
      let ds: InstanceType<H5Module['Dataset']> | null = null;
      for (let s = 0; s < n; s += blockRows) {
        const e = Math.min(n, s + blockRows);
        const b = await block(s, e);
        if (b.features.length !== (e - s) * F || b.labels.length !== e - s) throw new Error(`Block of jets ${s}..${e - 1} has the wrong size.`);
        labels.set(b.labels, s);
        if (b.weights) (weights ??= new Float32Array(n).fill(1)).set(b.weights, s);
        if (!ds) {
          const chunk = Math.max(1, Math.min(e - s, Math.floor((1 << 20) / (4 * F))));
          ds = f.create_dataset({ name: 'features', data: b.features, shape: [e - s, F], maxshape: [n, F], chunks: [chunk, F], dtype: '<f4' });
        } else {
          ds.resize([e, F]);
          ds.write_slice([[s, e], []], b.features);
        }
      }
      f.create_dataset({ name: 'labels', data: labels, shape: [n], dtype: '<i4' });
      if (weights) f.create_dataset({ name: 'weights', data: weights, shape: [n], dtype: '<f4' });
      writeSchemaDatasets(f, schema, options);
    } finally {
      f.close();
    }
  });
}

function writeSchemaDatasets(f: InstanceType<H5Module['File']>, schema: FeatureSchema, options: WriteOptions): void {
  f.create_dataset({ name: 'feature_names', data: schema.features.map((x) => x.name) });
  f.create_dataset({ name: 'feature_is_integer', data: Uint8Array.from(schema.features, (x) => (x.integer ? 1 : 0)), dtype: '<B' });
  f.create_dataset({ name: 'feature_default', data: Float32Array.from(schema.features, (x) => x.defaultValue), dtype: '<f4' });
  f.create_dataset({ name: 'class_names', data: schema.classes });
  for (const [name, arr] of Object.entries(options.extra ?? {})) {
    f.create_dataset({ name, data: arr, shape: [arr.length], dtype: arr instanceof Int32Array ? '<i4' : '<f4' });
  }
  f.create_attribute('schema', schema.name);
  for (const [k, v] of Object.entries(options.attributes ?? {})) f.create_attribute(k, v);
}

/**
 * The HDF5 C library prints its whole error stack (dozens of HDF5-DIAG lines) to file descriptor 2 for a
 * damaged file before h5wasm throws, and h5wasm prints "Aborted(...)" through console.error when the
 * library gives up; we turn the throw into one sentence, so those writes are dropped while a file is
 * read. Only synchronous library code runs inside, so nothing else is silenced.
 */
function quietHdf5<T>(fn: () => T): T {
  const stderrWrite = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const writeSync = fs.writeSync;
  (fs as { writeSync: unknown }).writeSync = (fd: number, buffer: unknown, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
    return typeof buffer === 'string' ? Buffer.byteLength(buffer) : ((rest[1] as number | undefined) ?? (buffer as Uint8Array).length);
  };
  // h5wasm imports fs as an ES module: its bindings follow the patch only after this sync.
  syncBuiltinESMExports();
  try {
    return fn();
  } finally {
    (fs as { writeSync: unknown }).writeSync = writeSync;
    syncBuiltinESMExports();
    process.stderr.write = stderrWrite;
  }
}

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`);
}

function toStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return [v];
  return [];
}

/**
 * An open Tagscape-layout HDF5 file: the header, labels and weights are read and checked when it opens,
 * the features only when rows are asked for, so a large file can be read a block at a time.
 */
export interface OpenJetsH5 {
  schema: FeatureSchema;
  n: number;
  labels: Int32Array;
  weights?: Float32Array;
  source: DataSource;
  /** Features of jets [start, end), row-major in physical units; NaN/Inf entries are refused. */
  /** `into`: see JetSource.readRows. */
  readRows(start: number, end: number, into?: Float32Array): Float32Array;
  /** Frees the file; later reads are refused. Closing again does nothing. */
  close(): void;
}

/** Open a Tagscape-layout HDF5 file and check it against its schema. The caller closes it. */
export async function openJetsH5(file: string): Promise<OpenJetsH5> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) fail(file, 'no such file.');
  const check = checkHdf5File(abs);
  if (!check.ok && check.reason === 'not-hdf5') fail(file, 'not an HDF5 file; Tagscape reads .h5 files in its own layout (see `tagscape generate`).');
  if (!check.ok && check.reason === 'truncated') {
    fail(file, `truncated: the file has ${check.actual} bytes but its header says ${check.expected}; copy or export it again.`);
  }
  const h5wasm = await h5();
  const opened = quietHdf5(() => {
    let f: InstanceType<H5Module['File']>;
    try {
      f = new h5wasm.File(abs, 'r');
    } catch {
      fail(file, 'not a readable HDF5 file (truncated or another format); re-create it with `tagscape generate` or export it again.');
    }
    try {
      const dsFeatures = f.get('features');
      const dsLabels = f.get('labels');
      if (!(dsFeatures instanceof h5wasm.Dataset)) fail(file, 'has no "features" dataset; Tagscape files hold features (N x F), labels (N) and feature_names.');
      if (!(dsLabels instanceof h5wasm.Dataset)) fail(file, 'has no "labels" dataset (class index per jet).');
      const shape = dsFeatures.shape ?? [];
      if (shape.length !== 2) fail(file, `"features" must be 2-dimensional (jets x features), it has shape [${shape.join(', ')}].`);
      const [n, F] = shape;

      const schemaAttr = f.attrs['schema'] ? String(f.get_attribute('schema', true)) : 'deepcsv';
      let schema: FeatureSchema;
      try {
        schema = getSchema(schemaAttr);
      } catch (e) {
        fail(file, (e as Error).message);
      }
      const names = toStrings(f.get('feature_names') instanceof h5wasm.Dataset ? (f.get('feature_names') as InstanceType<H5Module['Dataset']>).to_array() : null);
      if (names.length === 0) fail(file, 'has no "feature_names" dataset naming the columns of "features".');
      if (names.length !== F) fail(file, `"feature_names" has ${names.length} names but "features" has ${F} columns.`);
      const expected = schema.features.map((x) => x.name);
      if (F !== expected.length) fail(file, `has ${F} features; the ${schema.name} schema needs ${expected.length}.`);
      const wrong = expected.findIndex((name, i) => names[i] !== name);
      if (wrong >= 0) fail(file, `feature column ${wrong} is "${names[wrong]}", the ${schema.name} schema expects "${expected[wrong]}" there.`);

      const classNames = toStrings(f.get('class_names') instanceof h5wasm.Dataset ? (f.get('class_names') as InstanceType<H5Module['Dataset']>).to_array() : schema.classes);
      if (classNames.join(',') !== schema.classes.join(',')) {
        fail(file, `class_names are [${classNames.join(', ')}], the ${schema.name} schema has [${schema.classes.join(', ')}].`);
      }

      const rawLabels = dsLabels.value as ArrayLike<number | bigint>;
      if (rawLabels.length !== n) fail(file, `"labels" has ${rawLabels.length} entries for ${n} jets.`);
      // int32 labels come back as a fresh Int32Array of our own: checked in place rather than copied.
      const labels = rawLabels instanceof Int32Array ? rawLabels : new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = Number(rawLabels[i]);
        if (!Number.isInteger(v) || v < 0 || v >= schema.classes.length) {
          fail(file, `jet ${i} has label ${v}, which is not a class index 0..${schema.classes.length - 1} (${schema.classes.join(', ')}).`);
        }
        labels[i] = v;
      }
      let weights: Float32Array | undefined;
      const dsW = f.get('weights');
      if (dsW instanceof h5wasm.Dataset) {
        weights = Float32Array.from(dsW.value as ArrayLike<number>);
        if (weights.length !== n) fail(file, `"weights" has ${weights.length} entries for ${n} jets.`);
        if (weights.some((w) => !Number.isFinite(w) || w < 0)) fail(file, '"weights" contains negative, NaN or infinite values.');
      }
      return { f, dsFeatures, schema, n, F, labels, weights, expected };
    } catch (e) {
      try {
        f.close();
      } catch {
        // A library that aborted on damaged bytes may refuse the close too; the refusal below matters.
      }
      // Our own refusals name the file; anything else is the library failing on damaged structures.
      if (e instanceof Error && e.message.startsWith(`${file}: `)) throw e;
      fail(file, 'its HDF5 structures are damaged (a dataset or its names cannot be read); copy or export the file again.');
    }
  });
  const { f, dsFeatures, schema, n, F, labels, weights, expected } = opened;
  const meta = dsFeatures.metadata;
  // float32 stored little- or big-endian: read as little-endian float32 (h5wasm's memory type), the layout
  // of a Float32Array. Other types (float64, integers) go through h5wasm's conversion below.
  const direct = meta.type === wasm!.H5T_class_t.H5T_FLOAT.value && meta.size === 4 && !meta.vlen;
  /**
   * Rows [start, end) of the features into out[at...], staged block by block through one buffer in the
   * WebAssembly heap (which never shrinks, so it never holds more than a block) and copied from there
   * straight into `out`: no temporary array per block.
   */
  const readInto = (start: number, end: number, out: Float32Array, at: number): void => {
    const damaged = () => fail(file, `the "features" of jets ${start}..${end - 1} cannot be read (truncated or damaged file); copy or export it again.`);
    if (!direct) {
      for (const [s, e] of rowRanges(start, end, READ_BLOCK_ROWS)) {
        let raw: unknown;
        try {
          raw = dsFeatures.slice([[s, e], []]);
        } catch {
          damaged();
        }
        const values = raw as ArrayLike<number>;
        if (values.length !== (e - s) * F) fail(file, 'the "features" dataset is shorter than its shape says (truncated file).');
        out.set(values, at + (s - start) * F);
      }
      return;
    }
    const m = wasm!;
    const rows = Math.min(end - start, READ_BLOCK_ROWS);
    const ptr = m._malloc(rows * F * 4);
    if (ptr === 0) fail(file, `there is not enough memory to read ${rows} jets at a time.`);
    try {
      for (const [s, e] of rowRanges(start, end, READ_BLOCK_ROWS)) {
        let status = -1;
        try {
          status = m.get_dataset_data(f.file_id, dsFeatures.path, [BigInt(e - s), BigInt(F)], [BigInt(s), 0n], [1n, 1n], BigInt(ptr));
        } catch {
          // A library abort on damaged bytes: refused below like a failed read.
        }
        if (status < 0) damaged();
        // The heap's buffer is replaced when it grows: take it after the read.
        out.set(new Float32Array(m.HEAPU8.buffer, ptr, (e - s) * F), at + (s - start) * F);
      }
    } finally {
      m._free(ptr);
    }
  };
  let open = true;
  const readRows = (start: number, end: number, into?: Float32Array): Float32Array =>
    quietHdf5(() => {
      if (!open) fail(file, 'the file was already closed; open it again to read its jets.');
      if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
        throw new RangeError(`${file}: jets ${start}..${end} are outside the file's ${n} jets.`);
      }
      const features = into && into.length >= (end - start) * F ? into.subarray(0, (end - start) * F) : new Float32Array((end - start) * F);
      readInto(start, end, features, 0);
      const bad = findNonFinite(features, F);
      if (bad) {
        const among = start === 0 && end === n ? '' : ` among jets ${start}..${end - 1}`;
        fail(file, `${bad.count} feature entries${among} are NaN or infinite (first: jet ${start + bad.jet}, ${expected[bad.feature]}); replace them by the feature's default value or drop those jets.`);
      }
      return features;
    });
  const close = () => {
    if (!open) return;
    open = false;
    f.close();
  };
  let hash: string;
  try {
    hash = sha256File(abs);
  } catch (e) {
    close();
    throw e;
  }
  const source: DataSource = { spec: abs, hash, kind: 'hdf5' };
  return { schema, n, labels, weights, source, readRows, close };
}

/** Read a whole Tagscape-layout HDF5 file and check it against its schema. */
export async function readJetsH5(file: string): Promise<JetDataset> {
  const h = await openJetsH5(file);
  try {
    const features = h.readRows(0, h.n);
    return { schema: h.schema, n: h.n, features, labels: h.labels, weights: h.weights, source: h.source };
  } finally {
    h.close();
  }
}

/** Read one extra per-jet dataset (e.g. source_index) if the file has it. */
export async function readExtraH5(file: string, name: string): Promise<Float64Array | null> {
  const h5wasm = await h5();
  const f = new h5wasm.File(path.resolve(file), 'r');
  try {
    const ds = f.get(name);
    if (!(ds instanceof h5wasm.Dataset)) return null;
    return Float64Array.from(ds.value as ArrayLike<number>, Number);
  } finally {
    f.close();
  }
}
