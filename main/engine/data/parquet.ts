/**
 * Parquet files (pandas, awkward, polars) as column tables, read with hyparquet. Only flat columns are
 * read: one value per jet. Snappy is built into hyparquet; gzip pages go through fflate.
 */
import { gunzipSync } from 'fflate';
import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import type { ColumnTable, TableColumn } from './mapping.ts';

/** Refuses a file that is not Parquet, or lost its end, from its first and last four bytes. */
export function checkParquetEnds(file: string, size: number, bytesAt: (start: number, end: number) => Uint8Array): void {
  const latin1 = (start: number, end: number) => new TextDecoder('latin1').decode(bytesAt(start, end));
  if (size < 4 || latin1(0, 4) !== 'PAR1') throw new Error(`${file}: not a Parquet file (it does not start with "PAR1").`);
  if (size < 12 || latin1(size - 4, size) !== 'PAR1') throw new Error(`${file}: truncated: a Parquet file ends with its footer and "PAR1", this one does not; copy or export it again.`);
}

/** The flat top-level columns (one value per jet); refuses a table whose columns are all nested. */
export function flatColumnNames(file: string, metadata: FileMetaData): string[] {
  const tree = parquetSchema(metadata);
  const names = tree.children.filter((c) => c.children.length === 0).map((c) => c.element.name);
  const nested = tree.children.find((c) => c.children.length > 0);
  if (nested && names.length === 0) {
    throw new Error(`${file}: column "${nested.element.name}" is nested (lists or structs); Tagscape reads flat tables with one value per jet.`);
  }
  return names;
}

export async function readParquet(file: string, bytes: Uint8Array): Promise<ColumnTable> {
  // hyparquet wants an ArrayBuffer of exactly the file.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  checkParquetEnds(file, bytes.length, (start, end) => bytes.subarray(start, end));
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    throw new Error(`${file}: the Parquet footer is damaged (${(e as Error).message}); copy or export it again.`);
  }
  const n = Number(metadata.num_rows);
  const names = flatColumnNames(file, metadata);
  const parts = new Map<string, Array<{ start: number; data: ArrayLike<unknown> }>>(names.map((c) => [c, []]));
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: names,
      compressors: { GZIP: (input: Uint8Array) => gunzipSync(input) },
      onChunk: ({ columnName, columnData, rowStart }) => {
        parts.get(columnName)?.push({ start: rowStart, data: columnData as ArrayLike<unknown> });
      },
    });
  } catch (e) {
    throw new Error(`${file}: Parquet data could not be decoded (${(e as Error).message}); copy or export the file again.`);
  }
  const columns = new Map<string, TableColumn>();
  for (const [name, chunks] of parts) columns.set(name, assemble(file, name, n, chunks));
  return { n, columns };
}

/** Whether decoded Parquet values are text, judged from the first non-null of their first 64 values. */
export function isTextValues(sample: ArrayLike<unknown> | undefined): boolean {
  const first = sample ? Array.from({ length: Math.min(sample.length, 64) }, (_, i) => sample[i]).find((v) => v !== null && v !== undefined) : undefined;
  return typeof first === 'string';
}

/** One decoded Parquet value as a number: null -> NaN, bigint and bool as numbers. */
export function parquetNumber(file: string, name: string, v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  throw new Error(`${file}: column "${name}" holds ${v instanceof Date ? 'dates' : 'nested values'}, not numbers.`);
}

/** One column from its chunks: numbers (null -> NaN, bigint and bool as numbers) or, for text, strings. */
function assemble(file: string, name: string, n: number, chunks: Array<{ start: number; data: ArrayLike<unknown> }>): TableColumn {
  const text = isTextValues(chunks.find((c) => c.data.length > 0)?.data);
  const nums = new Float64Array(n).fill(NaN);
  const strs: string[] = text ? new Array(n).fill('') : [];
  let filled = 0;
  for (const { start, data } of chunks) {
    for (let i = 0; i < data.length; i++) {
      const r = start + i;
      if (r >= n) throw new Error(`${file}: column "${name}" has more values than the file's ${n} rows; the file is damaged.`);
      const v = data[i];
      if (text) strs[r] = v === null || v === undefined ? '' : String(v);
      else nums[r] = parquetNumber(file, name, v);
      filled++;
    }
  }
  if (filled !== n) throw new Error(`${file}: column "${name}" has ${filled} values for ${n} rows; the file is damaged.`);
  return text ? strs : nums;
}
