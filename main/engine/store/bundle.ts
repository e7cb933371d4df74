/**
 * A small binary container for named typed arrays plus JSON metadata (weights, optimiser state, splits).
 * Layout: "TGSB" | u32 format version | u32 header length | header JSON | padding to 8 | array bytes.
 * Little-endian throughout; written atomically.
 */
import fs from 'node:fs';
import { writeFileAtomic } from './atomic.ts';

type DType = 'float32' | 'int32' | 'uint8' | 'uint32';
export type TypedArray = Float32Array | Int32Array | Uint8Array | Uint32Array;

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  length: number;
}

const MAGIC = 'TGSB';
const VERSION = 1;

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  return 'uint8';
}

const CTOR = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, uint32: Uint32Array } as const;

export interface Bundle {
  arrays: Record<string, { data: TypedArray; shape: number[] }>;
  meta: Record<string, unknown>;
}

export function writeBundle(file: string, bundle: Bundle): void {
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, { data, shape }] of Object.entries(bundle.arrays)) {
    entries.push({ name, dtype: dtypeOf(data), shape, offset, length: data.length });
    offset += Math.ceil(data.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ arrays: entries, meta: bundle.meta }));
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const out = Buffer.alloc(dataStart + offset);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  for (const e of entries) {
    const a = bundle.arrays[e.name].data;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, dataStart + e.offset);
  }
  writeFileAtomic(file, out);
}

export function readBundle(file: string): Bundle {
  const buf = fs.readFileSync(file);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error(`${file} is not a Tagscape bundle (damaged or another format).`);
  const version = buf.readUInt32LE(4);
  if (version !== VERSION) throw new Error(`${file} has bundle format ${version}; this Tagscape reads format ${VERSION}.`);
  const headerLen = buf.readUInt32LE(8);
  if (12 + headerLen > buf.length) throw new Error(`${file} is truncated (header cut off).`);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as { arrays: Entry[]; meta: Record<string, unknown> };
  const dataStart = Math.ceil((12 + headerLen) / 8) * 8;
  const arrays: Bundle['arrays'] = {};
  for (const e of header.arrays) {
    const Ctor = CTOR[e.dtype];
    const start = dataStart + e.offset;
    const bytes = e.length * Ctor.BYTES_PER_ELEMENT;
    if (start + bytes > buf.length) throw new Error(`${file} is truncated (array "${e.name}" cut off).`);
    const copy = new Uint8Array(bytes);
    buf.copy(copy, 0, start, start + bytes);
    arrays[e.name] = { data: new Ctor(copy.buffer), shape: e.shape };
  }
  return { arrays, meta: header.meta };
}
