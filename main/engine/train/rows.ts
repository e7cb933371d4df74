/**
 * Where the training loop reads the inputs of the training and validation jets. From a source held in
 * memory they are read in place. From a file, one sequential pass copies them, in row order: the
 * training rows into memory (a source that holds its rows: `--in-memory`; the test jets are not held,
 * they are read again when evaluated) or into a scratch file of raw float32 rows (a streamed source), the
 * validation rows, read in order once an epoch, into a scratch file in both cases. Every mini-batch is
 * then gathered by position. The batches, and so the trained model, are exactly those of a run on the
 * file loaded whole, including the global shuffle. The rows take (train + validation jets) x F x 4 bytes
 * (about 215 MB for 1M DeepCSV jets, 21 MB of it validation); the scratch files sit in `scratchDir` (the
 * run's .scratch folder, scratch.ts) and are deleted when training ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { forEachBlock, type JetSource } from '../data/source.ts';
import { ptEtaCell, type PtEtaBinning } from '../preprocess/reweight.ts';
import { rowsOf, SPLIT_TRAIN, SPLIT_VAL } from '../preprocess/split.ts';

/** The raw inputs (physical units) of one split's jets, numbered 0..count-1 in row order. */
export interface RowStore {
  count: number;
  /** Rows idx[0..m) into out (m x F). */
  gather(idx: ArrayLike<number>, out: Float32Array): void;
  /** Rows [start, end) into out. */
  range(start: number, end: number, out: Float32Array): void;
}

export interface SplitStores {
  train: RowStore;
  val: RowStore;
  /** Every jet's (pT, |eta|) reweighting cell in the binning given, when one was. */
  reweight: { binning: PtEtaBinning; cells: Uint16Array } | null;
  /** Delete the scratch folder, or let held rows go (a no-op for a source in memory); may be called again. */
  dispose(): void;
}

export interface StoreOptions {
  /** Folder for the scratch files of a source read from a file: created here, and deleted with its contents by dispose(). */
  scratchDir: string;
  /** Compute every jet's reweighting cell during the same pass. */
  binning?: PtEtaBinning;
}

/** Rows of `features` in place: rows[k] is row k's position there (null: row k is at k). */
function memoryStore(features: Float32Array, rows: Uint32Array | null, F: number): RowStore {
  const at = rows ? (k: number) => rows[k] : (k: number) => k;
  return {
    count: rows ? rows.length : features.length / F,
    gather(idx, out) {
      for (let k = 0; k < idx.length; k++) out.set(features.subarray(at(idx[k]) * F, (at(idx[k]) + 1) * F), k * F);
    },
    range(start, end, out) {
      for (let k = start; k < end; k++) out.set(features.subarray(at(k) * F, (at(k) + 1) * F), (k - start) * F);
    },
  };
}

function readExactly(fd: number, out: Float32Array, outRow: number, rows: number, fileRow: number, F: number): void {
  const bytes = new Uint8Array(out.buffer, out.byteOffset + outRow * F * 4, rows * F * 4);
  for (let done = 0; done < bytes.length; ) {
    const k = fs.readSync(fd, bytes, done, bytes.length - done, fileRow * F * 4 + done);
    if (k === 0) throw new Error('A streaming scratch file is shorter than written; was it deleted while training?');
    done += k;
  }
}

function scratchStore(fd: number, count: number, F: number): RowStore {
  return {
    count,
    gather(idx, out) {
      for (let k = 0; k < idx.length; k++) readExactly(fd, out, k, 1, idx[k], F);
    },
    range(start, end, out) {
      readExactly(fd, out, 0, end - start, start, F);
    },
  };
}

function writeAll(fd: number, data: Float32Array): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** Where one pass over a file puts one split's rows, in row order. */
interface RowSpool {
  write(rows: Float32Array): void;
  /** The rows written so far, as a store. */
  store(): RowStore;
  /** Let the rows go (memory) or close and delete the file (scratch); may be called again. */
  release(): void;
}

function memorySpool(count: number, F: number): RowSpool {
  let held = new Float32Array(count * F);
  let filled = 0;
  return {
    write(rows) {
      held.set(rows, filled);
      filled += rows.length;
    },
    // Reads through `held`, so release() lets the rows go even while the store is still referenced.
    store: () => ({
      count,
      gather: (idx, out) => memoryStore(held, null, F).gather(idx, out),
      range: (start, end, out) => memoryStore(held, null, F).range(start, end, out),
    }),
    release: () => {
      held = new Float32Array(0);
    },
  };
}

function fileSpool(file: string, F: number): RowSpool {
  const fd = fs.openSync(file, 'w+');
  let open = true;
  let rows = 0;
  return {
    write(data) {
      writeAll(fd, data);
      rows += data.length / F;
    },
    store: () => scratchStore(fd, rows, F),
    release: () => {
      if (open) fs.closeSync(fd);
      open = false;
      fs.rmSync(file, { force: true });
    },
  };
}

export async function splitStores(src: JetSource, split: Uint8Array, options: StoreOptions): Promise<SplitStores> {
  const F = src.schema.features.length;
  const { binning } = options;
  const cells = binning ? new Uint16Array(src.n) : null;
  const reweight = cells && { binning: binning!, cells };
  if (src.inMemory) {
    const features = await src.readRows(0, src.n);
    if (cells) for (let i = 0; i < src.n; i++) cells[i] = ptEtaCell(binning!, features, i * F);
    return { train: memoryStore(features, rowsOf(split, SPLIT_TRAIN), F), val: memoryStore(features, rowsOf(split, SPLIT_VAL), F), reweight, dispose: () => {} };
  }
  // One sequential pass over the file. The training rows, gathered at random every batch, go to memory
  // when the source holds its rows (the test rows are read again when they are evaluated), else to a
  // scratch file; the validation rows, read in order once an epoch, always go to a scratch file.
  const dir = options.scratchDir;
  const spools: RowSpool[] = [];
  const dispose = () => {
    for (const spool of spools) spool.release();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    fs.mkdirSync(dir, { recursive: true });
    const count = split.reduce((n, s) => n + (s === SPLIT_TRAIN ? 1 : 0), 0);
    const train = src.holdRows ? memorySpool(count, F) : fileSpool(path.join(dir, 'train.f32'), F);
    spools.push(train);
    const val = fileSpool(path.join(dir, 'val.f32'), F);
    spools.push(val);
    let tr = new Float32Array(0);
    let va = new Float32Array(0);
    await forEachBlock(src, (start, block) => {
      const m = block.length / F;
      if (tr.length < block.length) [tr, va] = [new Float32Array(block.length), new Float32Array(block.length)];
      let t = 0;
      let v = 0;
      for (let k = 0; k < m; k++) {
        const row = block.subarray(k * F, (k + 1) * F);
        if (split[start + k] === SPLIT_TRAIN) tr.set(row, t++ * F);
        else if (split[start + k] === SPLIT_VAL) va.set(row, v++ * F);
        if (cells) cells[start + k] = ptEtaCell(binning!, block, k * F);
      }
      train.write(tr.subarray(0, t * F));
      val.write(va.subarray(0, v * F));
    });
    return { train: train.store(), val: val.store(), reweight, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
