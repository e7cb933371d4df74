/**
 * Loading data whole, for the work that needs every jet in memory at once: robustness scans (attacks over
 * the evaluated set), loss surfaces along principal axes, Inspect, and the Data page for data it cannot read from
 * disk (formats other than .h5, and small files). Such work holds several copies of the
 * jets, so a file beyond what the machine can hold is refused with one sentence before it is read,
 * instead of ending in an out-of-memory crash. Training and evaluation stream large files instead
 * (open.ts) and are not limited.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEEPCSV_SCHEMA } from '../schema/index.ts';
import type { JetDataset } from './dataset.ts';
import { loadData, parseSyntheticSpec, type LoadOptions } from './load.ts';
import { canStream, openJets } from './open.ts';
import { memorySource, type JetSource } from './source.ts';

/**
 * Bytes a whole load may take: an eighth of the memory (of the container's limit where one is set).
 * An attack holds the jets and the attacked copy of the rows it evaluates at once (standardised inputs
 * and gradients only a chunk at a time).
 */
export function wholeLoadLimit(): number {
  const limit = process.constrainedMemory?.() || Infinity;
  return Math.floor(Math.min(os.totalmem(), limit) / 8);
}

/**
 * Float32 input bytes per byte on disk, where that differs from 1 (measured on the UCI Jet Flavor set:
 * its 2.3 GB dataset.json.gz holds 8.5 GB of inputs; unpacked, its JSON text is about 3 bytes a number).
 */
const EXPANSION: Array<[suffix: string, factor: number]> = [['.json.gz', 3.7], ['.json', 0.31]];

/**
 * About the bytes a whole load holds: n x F x 4 for synthetic jets, else the file's size times its
 * expansion (an HDF5 or NumPy file is its float32 inputs; ROOT and Parquet compress, so they are
 * underestimated). 0 for a missing file, which the reader then reports.
 */
export function wholeLoadBytes(spec: string): number {
  const synth = parseSyntheticSpec(spec);
  if (synth) return synth.jets * DEEPCSV_SCHEMA.features.length * 4;
  try {
    const factor = EXPANSION.find(([suffix]) => spec.toLowerCase().endsWith(suffix))?.[1] ?? 1;
    return Math.round(fs.statSync(spec).size * factor);
  } catch {
    return 0;
  }
}

export interface WholeLoadOptions extends Pick<LoadOptions, 'seed' | 'map'> {
  /** What needs the jets in memory, for the refusal. @default 'this step' */
  purpose?: string;
  /** @default wholeLoadLimit() */
  maxBytes?: number;
}

const size = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.ceil(bytes / 1e3)} kB`);

/** Refuse, in one sentence, data too large to load whole here. */
export function checkWholeLoad(spec: string, options: Pick<WholeLoadOptions, 'purpose' | 'maxBytes'> = {}): void {
  const limit = options.maxBytes ?? wholeLoadLimit();
  const bytes = wholeLoadBytes(spec);
  if (bytes <= limit) return;
  const what = parseSyntheticSpec(spec) ? `these ${size(bytes)} of generated jets are` : `${path.basename(spec)} (${size(bytes)}) is`;
  const why = options.maxBytes === undefined ? ' (an eighth of its memory)' : '';
  throw new Error(
    `${spec}: ${options.purpose ?? 'this step'} needs every jet in memory, and ${what} more than the ${size(limit)} a whole load may take on this machine${why}; use a file with fewer jets (training and evaluation stream files of any size).`,
  );
}

/** loadData behind the size check. */
export async function loadWhole(spec: string, options: WholeLoadOptions = {}): Promise<JetDataset> {
  checkWholeLoad(spec, options);
  return loadData(spec, { seed: options.seed, map: options.map });
}

/**
 * Jets of which a step reads only some rows (the jets of a loss surface, the test split of a robustness
 * scan): an HDF5 or Parquet file is opened to be read by rows, so only those rows are ever in memory;
 * any other format, or `whole`, is loaded whole behind the size check. Close the source when done.
 */
export async function openForRows(
  spec: string,
  options: WholeLoadOptions & {
    /** Load the jets whole even from a file that can be read by rows (the step needs them all). @default false */
    whole?: boolean;
  } = {},
): Promise<JetSource> {
  if (options.whole || options.map || !canStream(spec)) return memorySource(await loadWhole(spec, options));
  return openJets(spec, { stream: true, seed: options.seed });
}
