import type { FeatureSchema } from '../schema/index.ts';
import { defaultValues32 } from '../preprocess/defaults.ts';

/**
 * 1 where an attack must not touch the entry: every integer-valued input (counts, categories) and
 * every entry sitting at its default value (a track or vertex that does not exist).
 */
export function frozenMask(raw: Float32Array, schema: FeatureSchema, rows?: ArrayLike<number>): Uint8Array {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const integer = schema.features.map((f) => f.integer);
  const count = rows ? rows.length : raw.length / F;
  const out = new Uint8Array(count * F);
  for (let r = 0; r < count; r++) {
    const src = (rows ? rows[r] : r) * F;
    for (let j = 0; j < F; j++) {
      if (integer[j] || raw[src + j] === defs[j]) out[r * F + j] = 1;
    }
  }
  return out;
}
