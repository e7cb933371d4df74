import type { FeatureSchema } from '../schema/index.ts';

/** Default values as float32, the precision the features are stored in, so equality is exact. */
export function defaultValues32(schema: FeatureSchema): Float32Array {
  return Float32Array.from(schema.features, (f) => f.defaultValue);
}

/** 1 where an entry sits exactly at its feature's default value (a missing track or vertex), else 0. */
export function defaultMask(features: Float32Array, schema: FeatureSchema): Uint8Array {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const mask = new Uint8Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const d = defs[i % F];
    if (features[i] === d) mask[i] = 1; // NaN defaults never compare equal: no default
  }
  return mask;
}
