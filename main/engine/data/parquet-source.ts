/**
 * A Parquet table read a block of rows at a time. Blocks never straddle a row group; each block's columns
 * are decoded one after another (hyparquet row ranges, using the page index where the file has one), so
 * the memory held is about one block plus one column chunk, not the file. Column names, the mapping,
 * the label decoding and the NaN/Inf policy are those of a whole-file load (mapping.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { parquetMetadata, parquetScan, type AsyncBuffer, type ParquetScan } from 'hyparquet';
import type { DataSource } from './dataset.ts';
import { decodeLabels, labelColumn, planColumns, tableFeatures, tableWeights, weightColumn, type ColumnTable, type DataMapping, type TableColumn } from './mapping.ts';
import { sha256File } from './hash.ts';
import { checkParquetEnds, flatColumnNames, isTextValues, parquetNumber } from './parquet.ts';
import { DEFAULT_BLOCK_ROWS, rowRanges, type JetSource } from './source.ts';

export interface ParquetSourceOptions {
  mapping?: DataMapping;
  /** Rows per block; a row group smaller than this is one block. @default DEFAULT_BLOCK_ROWS */
  blockRows?: number;
}

/** Byte ranges of the file read on demand, so the file never sits in memory whole. */
function fileBuffer(fd: number, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice(start: number, end = size) {
      const out = new Uint8Array(end - start);
      for (let done = 0; done < out.length; ) {
        const k = fs.readSync(fd, out, done, out.length - done, start + done);
        if (k === 0) throw new Error('unexpected end of file');
        done += k;
      }
      return out.buffer;
    },
  };
}

/** One decoded column range as a table column (numbers, or text when the column holds strings). */
function toColumn(file: string, name: string, data: ArrayLike<unknown>): TableColumn {
  if (isTextValues(data)) return Array.from({ length: data.length }, (_, i) => (data[i] === null || data[i] === undefined ? '' : String(data[i])));
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = parquetNumber(file, name, data[i]);
  return out;
}

export async function openParquetSource(file: string, options: ParquetSourceOptions = {}): Promise<JetSource> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${file}: no such file.`);
  const blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS;
  const { mapping } = options;
  const fd = fs.openSync(abs, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new Error(`${file}: the file is empty; copy or export it again.`);
    const buffer = fileBuffer(fd, size);
    checkParquetEnds(file, size, (a, b) => new Uint8Array(buffer.slice(a, b) as ArrayBuffer));
    let scan: ParquetScan;
    try {
      const footerLength = new DataView(buffer.slice(size - 8, size - 4) as ArrayBuffer).getUint32(0, true);
      const metadata = parquetMetadata(buffer.slice(Math.max(0, size - 8 - footerLength), size) as ArrayBuffer);
      scan = await parquetScan({ file: buffer, metadata, compressors: { GZIP: (input: Uint8Array) => gunzipSync(input) } });
    } catch (e) {
      throw new Error(`${file}: the Parquet footer is damaged (${(e as Error).message}); copy or export it again.`);
    }
    const n = Number(scan.metadata.num_rows);
    if (n === 0) throw new Error(`${file}: holds no jets (no rows).`);
    const names = new Set(flatColumnNames(file, scan.metadata));
    const has = (c: string) => names.has(c);
    const plan = planColumns(file, has, { mapping });
    const groups = scan.ranges.map((r) => [r.rowStart, r.rowEnd] as [number, number]);

    /** Columns of rows [start, end), read one column at a time, each range inside one row group. */
    const readTable = async (columns: string[], start: number, end: number): Promise<ColumnTable> => {
      const parts = new Map<string, TableColumn[]>(columns.map((c) => [c, []]));
      for (const [gs, ge] of groups) {
        const s = Math.max(start, gs);
        const e = Math.min(end, ge);
        if (s >= e) continue;
        for (const column of columns) {
          let data: ArrayLike<unknown>;
          try {
            data = (await scan.readColumn({ column, rowStart: s, rowEnd: e })) as ArrayLike<unknown>;
          } catch (err) {
            throw new Error(`${file}: Parquet data could not be decoded (${(err as Error).message}); copy or export the file again.`);
          }
          if (data.length !== e - s) throw new Error(`${file}: column "${column}" has ${data.length} values for jets ${s}..${e - 1}; the file is damaged.`);
          parts.get(column)!.push(toColumn(file, column, data));
        }
      }
      const table: ColumnTable = { n: end - start, columns: new Map() };
      for (const [c, list] of parts) {
        const text = list.some((p) => !(p instanceof Float64Array));
        if (list.length === 1) table.columns.set(c, list[0]);
        else if (text) table.columns.set(c, list.flatMap((p) => (p instanceof Float64Array ? Array.from(p, String) : p)));
        else {
          const joined = new Float64Array(end - start);
          let k = 0;
          for (const p of list as Float64Array[]) joined.set(p, (k += p.length) - p.length);
          table.columns.set(c, joined);
        }
      }
      return table;
    };

    const labelName = labelColumn(has, mapping);
    const wName = weightColumn(has, mapping);
    const meta = await readTable([labelName, wName].filter((c): c is string => c !== undefined && has(c)), 0, n);
    const labels = decodeLabels(file, meta, plan.schema, mapping);
    const weights = wName ? tableWeights(file, meta, wName) : undefined;
    const featureColumns = [...new Set(plan.sourceOf.filter((c): c is string => c !== null))];
    // As for a whole-file load, the hash covers the mapping: the same file read through another mapping is other data.
    const source: DataSource = { spec: abs, hash: sha256File(abs, mapping?.text), kind: 'parquet', ...(mapping ? { mapping: path.resolve(mapping.file) } : {}) };
    let open = true;
    return {
      schema: plan.schema,
      n,
      labels,
      weights,
      source,
      inMemory: false,
      blocks: () => groups.flatMap(([s, e]) => rowRanges(s, e, blockRows)),
      async readRows(start, end) {
        if (!open) throw new Error(`${file}: the file was closed.`);
        if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
          throw new RangeError(`${file}: jets ${start}..${end} are outside the file's ${n} jets.`);
        }
        return tableFeatures(file, await readTable(featureColumns, start, end), plan, start).features;
      },
      close() {
        if (open) fs.closeSync(fd);
        open = false;
      },
    };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}
