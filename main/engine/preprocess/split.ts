import { Rng } from '../rng.ts';

export const SPLIT_TRAIN = 0;
export const SPLIT_VAL = 1;
export const SPLIT_TEST = 2;

export interface SplitOptions {
  /** Fractions of train, validation and test; the paper used 72/8/20. @default [0.72, 0.08, 0.2] */
  fractions?: [number, number, number];
  seed: number;
}

/** Seeded assignment of every jet to train (0), validation (1) or test (2). */
export function makeSplit(n: number, options: SplitOptions): Uint8Array {
  const [ftr, fva] = options.fractions ?? [0.72, 0.08, 0.2];
  const perm = new Rng(options.seed ^ 0x5eed).permutation(n);
  const nTrain = Math.round(n * ftr);
  const nVal = Math.round(n * fva);
  const out = new Uint8Array(n).fill(SPLIT_TEST);
  for (let i = 0; i < n; i++) {
    if (i < nTrain) out[perm[i]] = SPLIT_TRAIN;
    else if (i < nTrain + nVal) out[perm[i]] = SPLIT_VAL;
  }
  return out;
}

export function rowsOf(split: Uint8Array, which: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < split.length; i++) if (split[i] === which) count++;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < split.length; i++) if (split[i] === which) out[k++] = i;
  return out;
}
