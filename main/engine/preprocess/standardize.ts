/**
 * Standardisation fitted on the training split. Entries at a feature's default value (missing tracks
 * or vertices) are excluded from the mean and standard deviation — otherwise a -999 default would
 * dominate both — and are mapped to a sentinel one standard deviation beyond the observed range, so the
 * network can still tell "missing" apart while the scaled inputs stay O(1).
 */
import type { FeatureSchema } from '../schema/index.ts';
import { defaultValues32 } from './defaults.ts';

export interface Standardizer {
  mean: number[];
  std: number[];
  /** Scaled value given to entries at the default; NaN for features without a default. */
  defaultScaled: number[];
}

/**
 * The fit in two passes over the training jets, fed a block of rows at a time in the same order both
 * times: first counts, sums and ranges, then squared deviations from the mean. The sums are taken in
 * row order in float64, so a fit fed from a file gives exactly the numbers of a fit over the array.
 */
export class StandardizerFit {
  private readonly F: number;
  private readonly defs: Float32Array;
  private readonly n: Float64Array;
  private readonly sum: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly sq: Float64Array;
  private mean: number[] | null = null;

  constructor(private readonly schema: FeatureSchema) {
    this.F = schema.features.length;
    this.defs = defaultValues32(schema);
    this.n = new Float64Array(this.F);
    this.sum = new Float64Array(this.F);
    this.min = new Float64Array(this.F).fill(Infinity);
    this.max = new Float64Array(this.F).fill(-Infinity);
    this.sq = new Float64Array(this.F);
  }

  /** First pass: the row starting at features[base]. */
  first(features: Float32Array, base: number): void {
    if (this.mean) throw new Error('The first standardisation pass is over.');
    const { F, defs, n, sum, min, max } = this;
    for (let j = 0; j < F; j++) {
      const v = features[base + j];
      if (v === defs[j]) continue;
      n[j]++;
      sum[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }

  /** Second pass: the same rows again, in the same order. */
  second(features: Float32Array, base: number): void {
    const { F, defs, sq } = this;
    const mean = (this.mean ??= Array.from(this.sum, (s, j) => (this.n[j] > 0 ? s / this.n[j] : 0)));
    for (let j = 0; j < F; j++) {
      const v = features[base + j];
      if (v === defs[j]) continue;
      sq[j] += (v - mean[j]) ** 2;
    }
  }

  result(): Standardizer {
    const { n, min, max, defs } = this;
    const mean = (this.mean ??= Array.from(this.sum, (s, j) => (n[j] > 0 ? s / n[j] : 0)));
    const std = Array.from(this.sq, (s, j) => {
      const sd = n[j] > 1 ? Math.sqrt(s / (n[j] - 1)) : 0;
      return sd > 1e-12 ? sd : 1; // constant feature: leave it centred, not blown up
    });
    const defaultScaled = this.schema.features.map((f, j) => {
      if (Number.isNaN(f.defaultValue)) return NaN;
      if (n[j] === 0) return 0;
      // Above the range only when the default lies above it; otherwise (below, or inside as for the
      // -1 of the *AboveCharm inputs) below it, so a missing entry never looks like a measured one.
      return defs[j] >= max[j] ? (max[j] - mean[j]) / std[j] + 1 : (min[j] - mean[j]) / std[j] - 1;
    });
    return { mean: [...mean], std, defaultScaled };
  }
}

export function fitStandardizer(features: Float32Array, schema: FeatureSchema, rows: ArrayLike<number>): Standardizer {
  const F = schema.features.length;
  const fit = new StandardizerFit(schema);
  for (let r = 0; r < rows.length; r++) fit.first(features, rows[r] * F);
  for (let r = 0; r < rows.length; r++) fit.second(features, rows[r] * F);
  return fit.result();
}

/**
 * Scale every row (or the given rows, in order) into a new n x F array, or into `out` (at least n x F
 * long), which hot loops reuse so that no garbage piles up between collections.
 */
export function applyStandardizer(features: Float32Array, schema: FeatureSchema, s: Standardizer, rows?: ArrayLike<number>, into?: Float32Array): Float32Array {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const count = rows ? rows.length : features.length / F;
  const out = into ? into.subarray(0, count * F) : new Float32Array(count * F);
  for (let r = 0; r < count; r++) {
    const src = (rows ? rows[r] : r) * F;
    const dst = r * F;
    for (let j = 0; j < F; j++) {
      const v = features[src + j];
      out[dst + j] = v === defs[j] ? s.defaultScaled[j] : (v - s.mean[j]) / s.std[j];
    }
  }
  return out;
}
