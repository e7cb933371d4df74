import type { FeatureSchema } from '../schema/index.ts';

/** Jets in physical units, row-major: features[i * nFeatures + j] is feature j of jet i. */
export interface JetDataset {
  schema: FeatureSchema;
  n: number;
  features: Float32Array;
  /** Class index into schema.classes. */
  labels: Int32Array;
  /** Optional per-jet weights (e.g. generator or reweighting weights). */
  weights?: Float32Array;
  source: DataSource;
}

export interface DataSource {
  /** 'synthetic:N' spec or the absolute file path. */
  spec: string;
  /** sha256 of the file bytes (then of the mapping file's, when one is used), or of the generator spec. */
  hash: string;
  kind: 'synthetic' | 'hdf5' | 'root' | 'npy' | 'npz' | 'parquet' | 'csv' | 'uci-json';
  /** The mapping file that named the columns, when one was used. */
  mapping?: string;
}

export function nFeatures(d: JetDataset): number {
  return d.schema.features.length;
}

export function classCounts(d: Pick<JetDataset, 'schema' | 'n' | 'labels'>): Record<string, number> {
  const counts = new Array(d.schema.classes.length).fill(0);
  for (let i = 0; i < d.n; i++) counts[d.labels[i]]++;
  return Object.fromEntries(d.schema.classes.map((c, i) => [c, counts[i]]));
}

/**
 * The first non-finite feature entry, or null. Tagscape refuses NaN/Inf inputs at the boundary
 * rather than letting them poison a standardisation or a gradient.
 */
export function findNonFinite(features: Float32Array, nF: number): { count: number; jet: number; feature: number } | null {
  let count = 0;
  let first = -1;
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  return count === 0 ? null : { count, jet: Math.floor(first / nF), feature: first % nF };
}
