/**
 * Where the training loop reads the inputs of the training and validation jets. From a source held in
 * memory they are read in place. From a streamed file, one sequential pass copies them, in row order,
 * into two scratch files of raw float32 rows; every mini-batch is then gathered from there by position.
 * That keeps memory at a few batches while the batches, and so the trained model, are exactly those of
 * an in-memory run, including the global shuffle. The scratch files take (train + validation jets) x F
 * x 4 bytes (about 215 MB for 1M DeepCSV jets) in `scratchDir` (the run's .scratch folder, scratch.ts)
 * and are deleted when training ends.
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
  /** Delete the scratch folder (a no-op in memory). */
  dispose(): void;
}

export interface StoreOptions {
  /** Folder for the scratch files of a streamed source: created here, and deleted with its contents by dispose(). */
  scratchDir: string;
  /** Compute every jet's reweighting cell during the same pass. */
  binning?: PtEtaBinning;
}

function memoryStore(features: Float32Array, rows: Uint32Array, F: number): RowStore {
  return {
    count: rows.length,
    gather(idx, out) {
      for (let k = 0; k < idx.length; k++) out.set(features.subarray(rows[idx[k]] * F, (rows[idx[k]] + 1) * F), k * F);
    },
    range(start, end, out) {
      for (let k = start; k < end; k++) out.set(features.subarray(rows[k] * F, (rows[k] + 1) * F), (k - start) * F);
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

export async function splitStores(src: JetSource, split: Uint8Array, options: StoreOptions): Promise<SplitStores> {
  const F = src.schema.features.length;
  const { binning } = options;
  const cells = binning ? new Uint16Array(src.n) : null;
  if (src.inMemory) {
    const features = await src.readRows(0, src.n);
    if (cells) for (let i = 0; i < src.n; i++) cells[i] = ptEtaCell(binning!, features, i * F);
    return { train: memoryStore(features, rowsOf(split, SPLIT_TRAIN), F), val: memoryStore(features, rowsOf(split, SPLIT_VAL), F), reweight: cells && { binning: binning!, cells }, dispose: () => {} };
  }
  const dir = options.scratchDir;
  fs.mkdirSync(dir, { recursive: true });
  const fds: number[] = [];
  try {
    const trainFd = fs.openSync(path.join(dir, 'train.f32'), 'w+');
    fds.push(trainFd);
    const valFd = fs.openSync(path.join(dir, 'val.f32'), 'w+');
    fds.push(valFd);
    let nTrain = 0;
    let nVal = 0;
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
      writeAll(trainFd, tr.subarray(0, t * F));
      writeAll(valFd, va.subarray(0, v * F));
      nTrain += t;
      nVal += v;
    });
    const dispose = () => {
      for (const fd of fds.splice(0)) fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { train: scratchStore(trainFd, nTrain, F), val: scratchStore(valFd, nVal, F), reweight: cells && { binning: binning!, cells }, dispose };
  } catch (e) {
    for (const fd of fds) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
