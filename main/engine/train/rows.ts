/**
 * Where the training loop reads the inputs of the training and validation jets. From a source held in
 * memory they are read in place. From a file, one sequential pass copies them, in row order, either into
 * memory (a source that holds its rows: `--in-memory`; the test jets are not held, they are read again
 * when evaluated) or into two scratch files of raw float32 rows (a streamed source); every mini-batch is
 * then gathered from there by position. The batches, and so the trained model, are exactly those of a
 * run on the file loaded whole, including the global shuffle. Held rows and scratch files both take
 * (train + validation jets) x F x 4 bytes (about 215 MB for 1M DeepCSV jets); the scratch files sit in
 * `scratchDir` (the run's .scratch folder, scratch.ts) and are deleted when training ends.
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
  /** Folder for the scratch files of a streamed source (one that does not hold its rows): created here, and deleted with its contents by dispose(). */
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

/** Where one pass over a file puts the training and validation rows: arrays in memory, or scratch files. */
interface RowSink {
  write(which: typeof SPLIT_TRAIN | typeof SPLIT_VAL, rows: Float32Array): void;
  stores(): { train: RowStore; val: RowStore; dispose(): void };
  abandon(): void;
}

function memorySink(split: Uint8Array, F: number): RowSink {
  const count = (which: number) => split.reduce((n, s) => n + (s === which ? 1 : 0), 0);
  const held: Record<number, Float32Array> = { [SPLIT_TRAIN]: new Float32Array(count(SPLIT_TRAIN) * F), [SPLIT_VAL]: new Float32Array(count(SPLIT_VAL) * F) };
  const filled = { [SPLIT_TRAIN]: 0, [SPLIT_VAL]: 0 };
  // The stores read through `held`, so dispose() lets the rows go even while a store is still referenced.
  const store = (which: number): RowStore => ({
    count: held[which].length / F,
    gather: (idx, out) => memoryStore(held[which], null, F).gather(idx, out),
    range: (start, end, out) => memoryStore(held[which], null, F).range(start, end, out),
  });
  const release = () => {
    held[SPLIT_TRAIN] = new Float32Array(0);
    held[SPLIT_VAL] = new Float32Array(0);
  };
  return {
    write(which, rows) {
      held[which].set(rows, filled[which]);
      filled[which] += rows.length;
    },
    stores: () => ({ train: store(SPLIT_TRAIN), val: store(SPLIT_VAL), dispose: release }),
    abandon: release,
  };
}

function scratchSink(dir: string, F: number): RowSink {
  fs.mkdirSync(dir, { recursive: true });
  const fds: number[] = [];
  const remove = () => {
    for (const fd of fds.splice(0)) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    fds.push(fs.openSync(path.join(dir, 'train.f32'), 'w+'));
    fds.push(fs.openSync(path.join(dir, 'val.f32'), 'w+'));
  } catch (e) {
    remove();
    throw e;
  }
  const [trainFd, valFd] = fds;
  const written = { [SPLIT_TRAIN]: 0, [SPLIT_VAL]: 0 };
  return {
    write(which, rows) {
      writeAll(which === SPLIT_TRAIN ? trainFd : valFd, rows);
      written[which] += rows.length / F;
    },
    stores: () => ({ train: scratchStore(trainFd, written[SPLIT_TRAIN], F), val: scratchStore(valFd, written[SPLIT_VAL], F), dispose: remove }),
    abandon: remove,
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
  // One sequential pass over the file: its training and validation rows, in row order, into memory when
  // the source asks to hold them (the test rows are read again when they are evaluated), else scratch files.
  const sink = src.holdRows ? memorySink(split, F) : scratchSink(options.scratchDir, F);
  try {
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
      sink.write(SPLIT_TRAIN, tr.subarray(0, t * F));
      sink.write(SPLIT_VAL, va.subarray(0, v * F));
    });
    return { ...sink.stores(), reweight };
  } catch (e) {
    sink.abandon();
    throw e;
  }
}
