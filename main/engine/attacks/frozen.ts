import type { FeatureSchema } from '../schema/index.ts';
import { defaultValues32 } from '../preprocess/defaults.ts';

/** Fills `out` (or a new array) with the frozen mask of `raw`'s rows; see frozenMask. */
export type FrozenMasker = (raw: Float32Array, rows?: ArrayLike<number>, out?: Uint8Array) => Uint8Array;

/**
 * 1 where an attack must not touch the entry: every integer-valued input (counts, categories) and
 * every entry sitting at its default value (a track or vertex that does not exist).
 * The returned function reuses the schema's defaults, so a training loop can call it every batch;
 * given `out`, it fills the first rows×features entries of it and returns that view.
 */
export function frozenMasker(schema: FeatureSchema): FrozenMasker {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const integer = schema.features.map((f) => f.integer);
  return (raw, rows, out) => {
    const count = rows ? rows.length : raw.length / F;
    const mask = out ? out.subarray(0, count * F).fill(0) : new Uint8Array(count * F);
    for (let r = 0; r < count; r++) {
      const src = (rows ? rows[r] : r) * F;
      for (let j = 0; j < F; j++) {
        if (integer[j] || raw[src + j] === defs[j]) mask[r * F + j] = 1;
      }
    }
    return mask;
  };
}

/** The frozen mask of `raw` (all rows, or just `rows`), one entry per row and feature. */
export function frozenMask(raw: Float32Array, schema: FeatureSchema, rows?: ArrayLike<number>): Uint8Array {
  return frozenMasker(schema)(raw, rows);
}
