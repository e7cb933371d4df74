/**
 * Open jets for training or evaluation, streamed from disk or loaded whole. HDF5 and Parquet files can be
 * streamed: their labels and weights are read at once, their features a block at a time. Every other
 * format (and synthetic:N) is loaded whole. Both ways give the same jets, in the same order.
 */
import path from 'node:path';
import { openJetsH5 } from './h5.ts';
import { loadData, parseSyntheticSpec, type LoadOptions } from './load.ts';
import { readMapping } from './mapping.ts';
import { openParquetSource } from './parquet-source.ts';
import { DEFAULT_BLOCK_ROWS, memorySource, readWhole, rowRanges, type JetSource } from './source.ts';

/**
 * Above this many bytes of float32 inputs (n x F x 4: 134 MB for 500k DeepCSV jets, 268 MB for 1M),
 * `stream: 'auto'` streams. Below it, loading whole is faster and costs at most the inputs plus a
 * process's fixed cost; 1M jets trained holding their training rows (`stream: false`) peaked at 424 MB,
 * streamed at 232 MB (README, bench:memory).
 */
export const STREAM_THRESHOLD_BYTES = 128 * 2 ** 20;

export interface OpenOptions extends Pick<LoadOptions, 'seed' | 'map'> {
  /**
   * true: stream HDF5/Parquet files (training keeps its rows in scratch files); false: hold in memory what
   * a step reads at random (training: the training jets; source.ts holdRows); 'auto':
   * load whole up to STREAM_THRESHOLD_BYTES, stream above. Other formats are always loaded whole. @default 'auto'
   */
  stream?: boolean | 'auto';
  /** Jets per block read from a streamed file. @default DEFAULT_BLOCK_ROWS */
  blockRows?: number;
}

export const STREAMABLE = '.h5/.hdf5 and .parquet';

/** Whether a spec names a file format that can be streamed. */
export function canStream(spec: string): boolean {
  if (parseSyntheticSpec(spec)) return false;
  return ['.h5', '.hdf5', '.parquet'].includes(path.extname(spec).toLowerCase());
}

/**
 * Whether a few rows or one input's column can be read from the file cheaply: HDF5. Not Parquet, which
 * decodes whole column chunks for them (200k jets in row groups of 100k: 42 s to sort by an input, 162 s
 * for a window of that order).
 */
export function readsRowsFromDisk(spec: string): boolean {
  return canStream(spec) && path.extname(spec).toLowerCase() !== '.parquet';
}

/**
 * "N jets (X MB of inputs) streamed from disk" for a source read a block at a time, "... read from disk,
 * what is read at random held in memory" for one that holds its rows (holdRows); null for one in memory.
 */
export function streamingNote(src: JetSource): string | null {
  if (src.inMemory) return null;
  const mb = (src.n * src.schema.features.length * 4) / 1e6;
  const jets = `${src.n} jets (${mb.toFixed(0)} MB of inputs)`;
  return src.holdRows ? `${jets} read from disk, what is read at random held in memory` : `${jets} streamed from disk`;
}

export async function openJets(spec: string, options: OpenOptions = {}): Promise<JetSource> {
  const stream = options.stream ?? 'auto';
  const blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS;
  if (!(Number.isInteger(blockRows) && blockRows >= 1)) throw new Error(`The block size must be a positive number of jets, not ${blockRows}.`);
  if (!canStream(spec)) return memorySource(await loadData(spec, { seed: options.seed, map: options.map }));
  const ext = path.extname(spec).toLowerCase();
  let src: JetSource;
  if (ext === '.parquet') {
    src = await openParquetSource(spec, { mapping: options.map ? readMapping(options.map) : undefined, blockRows });
  } else {
    // The mapping refusal for HDF5 files is loadData's, so both ways say the same.
    if (options.map) return memorySource(await loadData(spec, { map: options.map }));
    const h = await openJetsH5(spec);
    src = { ...h, inMemory: false, blocks: () => rowRanges(0, h.n, blockRows), readRows: async (s, e, into) => h.readRows(s, e, into), close: () => h.close() };
  }
  if (stream === false) {
    // Not a whole load: what a step uses more than once is held in memory (source.ts holdRows).
    src.holdRows = true;
    return src;
  }
  if (stream === 'auto' && src.n * src.schema.features.length * 4 <= STREAM_THRESHOLD_BYTES) {
    try {
      return memorySource(await readWhole(src));
    } finally {
      await src.close();
    }
  }
  return src;
}
