/**
 * NumPy files as column tables.
 *  .npz  one 1-D array per column (np.savez(f, jet_pt=..., label=...)), and/or a 2-D `features` array
 *        whose columns are named by a `feature_names` string array, a mapping file's "columns" list, or
 *        the schema order;
 *  .npy  one 2-D array (jets x columns), named by a mapping file's "columns" list or, without one, the
 *        schema's features in order followed by the class index (the layout of Tagscape's HDF5 files).
 * npyjs decodes the numbers; the header is checked here first so that a truncated or big-endian file
 * gets a sentence of its own instead of a misread.
 */
import { parse as parseNpyBytes } from 'npyjs';
import { unzipSync } from 'fflate';
import { getSchema, SCHEMA_NAMES } from '../schema/index.ts';
import type { ColumnTable, DataMapping, TableColumn } from './mapping.ts';

interface NdArray {
  shape: number[];
  /** Row-major values. */
  values: Float64Array | string[];
}

const ITEM_SIZE: Record<string, number> = { b1: 1, i1: 1, u1: 1, i2: 2, u2: 2, f2: 2, i4: 4, u4: 4, f4: 4, i8: 8, u8: 8, f8: 8 };

/** Little-endian UTF-32 of fixed width, decoded here: npyjs spreads every code point into one call. */
function decodeUnicode(bytes: Uint8Array, count: number, width: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let c = 0; c < width; c++) {
      const cp = view.getUint32((i * width + c) * 4, true);
      if (cp === 0) break;
      s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    out[i] = s;
  }
  return out;
}

/** Parse one .npy payload; `where` names it in messages (the file, or file:array for an .npz member). */
export function parseNpy(where: string, bytes: Uint8Array): NdArray {
  const magic = '\x93NUMPY';
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== magic) {
    throw new Error(`${where}: not a NumPy .npy array (it lacks the \\x93NUMPY signature).`);
  }
  const major = bytes[6];
  const headerStart = major <= 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new Error(`${where}: truncated inside the .npy header; save the array again.`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major <= 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new Error(`${where}: truncated inside the .npy header; save the array again.`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, dataStart));
  if (/'descr'\s*:\s*\[/.test(header)) {
    throw new Error(`${where}: a structured (record) array, which Tagscape does not read; save one array per column with np.savez instead.`);
  }
  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeText) throw new Error(`${where}: the .npy header is damaged (no dtype or shape); save the array again.`);
  const [, order, kind, sizeText] = descr;
  const code = `${kind}${sizeText}`;
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || shape.length > 2) {
    throw new Error(`${where}: has shape (${shapeText[1]}); Tagscape reads 1-D columns and 2-D (jets x columns) arrays.`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const item = kind === 'U' ? 4 * Number(sizeText) : ITEM_SIZE[code];
  if (!item) throw new Error(`${where}: has dtype ${order}${code}, which Tagscape does not read; use float32/float64, integers, bool or unicode strings.`);
  if (order === '>' && item > 1) throw new Error(`${where}: is big-endian (${order}${code}); convert it with arr.astype('<${code}') and save it again.`);
  const need = count * item;
  if (bytes.length - dataStart < need) {
    throw new Error(`${where}: truncated: its header promises ${need} data bytes but only ${bytes.length - dataStart} follow; save the array again.`);
  }
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const data = bytes.subarray(dataStart, dataStart + need);
  let values: Float64Array | string[];
  if (kind === 'U') values = decodeUnicode(data, count, Number(sizeText));
  else {
    // A fresh, exactly sized buffer: npyjs views the data in place, which needs alignment and an exact length.
    const exact = new Uint8Array(headerStart + headerLen + need);
    exact.set(bytes.subarray(0, dataStart));
    exact.set(data, dataStart);
    let arr: ArrayLike<number | bigint | boolean>;
    try {
      arr = parseNpyBytes(exact.buffer).data as unknown as ArrayLike<number | bigint | boolean>;
    } catch (e) {
      throw new Error(`${where}: the .npy array could not be decoded (${(e as Error).message}); save it again.`);
    }
    values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = Number(arr[i]);
  }
  if (fortran && shape.length === 2) values = transpose(values, shape[1], shape[0]);
  return { shape, values };
}

/** Row-major copy of an array stored column-major (Fortran order): `rows` x `cols` as stored. */
function transpose<T extends Float64Array | string[]>(v: T, rows: number, cols: number): T {
  const out = (v instanceof Float64Array ? new Float64Array(v.length) : new Array<string>(v.length)) as T;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
  return out;
}

/** Column names of an unnamed 2-D array: the mapping's list, else a schema's features (+ label). */
function namesFor2d(where: string, width: number, mapping?: DataMapping, given?: string[]): string[] {
  if (given) {
    if (given.length !== width) throw new Error(`${where}: feature_names has ${given.length} names for ${width} columns.`);
    return given;
  }
  if (mapping?.columns) {
    if (mapping.columns.length !== width) throw new Error(`${where}: has ${width} columns but the mapping file ${mapping.file} names ${mapping.columns.length}.`);
    return mapping.columns;
  }
  for (const name of mapping?.schema ? [mapping.schema] : SCHEMA_NAMES) {
    const features = getSchema(name).features.map((f) => f.name);
    if (width === features.length + 1) return [...features, 'label'];
    if (width === features.length) return features;
  }
  throw new Error(
    `${where}: a plain 2-D array has no column names and its ${width} columns match no schema (67 DeepCSV inputs, then the class index); list them under "columns" in a mapping file (--map).`,
  );
}

function addMatrix(table: Map<string, TableColumn>, a: NdArray, names: string[]): void {
  const [rows, cols] = a.shape;
  names.forEach((name, c) => {
    if (a.values instanceof Float64Array) {
      const col = new Float64Array(rows);
      for (let r = 0; r < rows; r++) col[r] = a.values[r * cols + c];
      table.set(name, col);
    } else {
      const vals = a.values;
      table.set(name, Array.from({ length: rows }, (_, r) => vals[r * cols + c]));
    }
  });
}

function rowsOf(table: Map<string, TableColumn>): number | undefined {
  for (const c of table.values()) return c.length;
  return undefined;
}

export function readNpy(file: string, bytes: Uint8Array, mapping?: DataMapping): ColumnTable {
  const a = parseNpy(file, bytes);
  if (a.shape.length !== 2) throw new Error(`${file}: a .npy file must hold one 2-D array (jets x columns); for separate columns use an .npz archive.`);
  const columns = new Map<string, TableColumn>();
  addMatrix(columns, a, namesFor2d(file, a.shape[1], mapping));
  return { n: a.shape[0], columns };
}

export function readNpz(file: string, bytes: Uint8Array, mapping?: DataMapping): ColumnTable {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${file}: not a readable .npz (zip) archive (${(e as Error).message}); save it again with np.savez.`);
  }
  const arrays = new Map<string, NdArray>();
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    arrays.set(member.slice(0, -4), parseNpy(`${file}:${member}`, data));
  }
  if (arrays.size === 0) throw new Error(`${file}: the archive holds no .npy arrays; save the columns with np.savez.`);
  const columns = new Map<string, TableColumn>();
  const featureNames = arrays.get('feature_names');
  for (const [name, a] of arrays) {
    if (name === 'feature_names') continue;
    if (a.shape.length === 2) {
      const given = name === 'features' && featureNames ? Array.from(featureNames.values as ArrayLike<string | number>, String) : undefined;
      addMatrix(columns, a, namesFor2d(`${file}:${name}`, a.shape[1], mapping, given));
    } else if (a.shape.length === 1) {
      columns.set(name, a.values);
    } else {
      throw new Error(`${file}: array "${name}" is a scalar; every array must hold one value (or one row) per jet.`);
    }
  }
  const n = rowsOf(columns) ?? 0;
  for (const [name, c] of columns) {
    if (c.length !== n) throw new Error(`${file}: column "${name}" has ${c.length} entries where the others have ${n}; every array must hold one value per jet.`);
  }
  return { n, columns };
}
