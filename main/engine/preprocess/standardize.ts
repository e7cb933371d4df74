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

export function fitStandardizer(features: Float32Array, schema: FeatureSchema, rows: ArrayLike<number>): Standardizer {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const n = new Float64Array(F);
  const sum = new Float64Array(F);
  const min = new Float64Array(F).fill(Infinity);
  const max = new Float64Array(F).fill(-Infinity);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * F;
    for (let j = 0; j < F; j++) {
      const v = features[base + j];
      if (v === defs[j]) continue;
      n[j]++;
      sum[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  const mean = Array.from(sum, (s, j) => (n[j] > 0 ? s / n[j] : 0));
  const sq = new Float64Array(F);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * F;
    for (let j = 0; j < F; j++) {
      const v = features[base + j];
      if (v === defs[j]) continue;
      sq[j] += (v - mean[j]) ** 2;
    }
  }
  const std = Array.from(sq, (s, j) => {
    const sd = n[j] > 1 ? Math.sqrt(s / (n[j] - 1)) : 0;
    return sd > 1e-12 ? sd : 1; // constant feature: leave it centred, not blown up
  });
  const defaultScaled = schema.features.map((f, j) => {
    if (Number.isNaN(f.defaultValue)) return NaN;
    if (n[j] === 0) return 0;
    // Above the range only when the default lies above it; otherwise (below, or inside as for the
    // -1 of the *AboveCharm inputs) below it, so a missing entry never looks like a measured one.
    return defs[j] >= max[j] ? (max[j] - mean[j]) / std[j] + 1 : (min[j] - mean[j]) / std[j] - 1;
  });
  return { mean, std, defaultScaled };
}

/** Scale every row (or the given rows, in order) into a new n x F array. */
export function applyStandardizer(features: Float32Array, schema: FeatureSchema, s: Standardizer, rows?: ArrayLike<number>): Float32Array {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const count = rows ? rows.length : features.length / F;
  const out = new Float32Array(count * F);
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
