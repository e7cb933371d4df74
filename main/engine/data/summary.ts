/**
 * What the Data page shows: class counts, each input's default fraction, one input's histogram split by
 * flavour (defaults counted apart), the correlation matrix of the inputs (defaults excluded pairwise),
 * and pages of jets. Computed in one pass over a source, so a file streamed from disk is summarised
 * without holding its jets: only the histogrammed input's column and the jets the correlation uses.
 */
import { histogram } from '../metrics/histogram.ts';
import { defaultValues32 } from '../preprocess/defaults.ts';
import type { FeatureSchema } from '../schema/index.ts';
import { classCounts, type JetDataset } from './dataset.ts';
import { asSource, forEachBlock, type JetSource } from './source.ts';

export interface DataSummary {
  jets: number;
  schema: string;
  classes: Record<string, number>;
  features: Array<{ name: string; unit: string; integer: boolean; defaults_fraction: number }>;
  histogram: { feature: string; unit: string; edges: number[]; counts: Record<string, number[]>; defaults: Record<string, number> };
  correlation: { names: string[]; matrix: number[][] };
}

/** Jets the correlation matrix is computed over: the first ones of the data. */
const CORRELATION_JETS = 20000;

/** Pearson correlation over jets (n x F, row-major) where both inputs are measured (not at their defaults). */
function correlation(schema: FeatureSchema, features: Float32Array, n: number): number[][] {
  const F = schema.features.length;
  const defs = defaultValues32(schema);
  const m = Array.from({ length: F }, () => new Array(F).fill(0));
  for (let a = 0; a < F; a++) {
    for (let b = a; b < F; b++) {
      let k = 0;
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let i = 0; i < n; i++) {
        const x = features[i * F + a];
        const y = features[i * F + b];
        if (x === defs[a] || y === defs[b]) continue;
        k++;
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
      }
      const cov = sab / k - (sa / k) * (sb / k);
      const va = saa / k - (sa / k) ** 2;
      const vb = sbb / k - (sb / k) ** 2;
      const r = k > 1 && va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
      m[a][b] = m[b][a] = a === b ? 1 : r;
    }
  }
  return m;
}

export async function summariseData(data: JetDataset | JetSource, feature?: string, bins = 40): Promise<DataSummary> {
  const d = asSource(data);
  const F = d.schema.features.length;
  const defs = defaultValues32(d.schema);
  const j = feature ? d.schema.features.findIndex((f) => f.name === feature) : 0;
  if (j < 0) throw new Error(`The ${d.schema.name} schema has no input "${feature}".`);
  // One pass: each input's defaults, the histogrammed column (in float32, the precision it is held in)
  // and the first jets, for the correlation.
  const atDefaults = new Array(F).fill(0);
  const values = new Float32Array(d.n);
  const head = new Float32Array(Math.min(d.n, CORRELATION_JETS) * F);
  await forEachBlock(d, (start, x) => {
    const k = x.length / F;
    for (let i = 0; i < k; i++) {
      for (let f = 0; f < F; f++) if (x[i * F + f] === defs[f]) atDefaults[f]++;
      values[start + i] = x[i * F + j];
    }
    if (start * F < head.length) head.set(x.subarray(0, Math.min(x.length, head.length - start * F)), start * F);
  });
  const features = d.schema.features.map((f, k) => ({ name: f.name, unit: f.unit, integer: f.integer, defaults_fraction: d.n ? atDefaults[k] / d.n : 0 }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (v !== defs[j] && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(hi > lo)) [lo, hi] = [Number.isFinite(lo) ? lo - 0.5 : 0, Number.isFinite(lo) ? lo + 0.5 : 1];
  const counts: Record<string, number[]> = {};
  const defaults: Record<string, number> = {};
  // Counted in one pass, not by filtering a copy of the column per class.
  const atDefault = new Array(d.schema.classes.length).fill(0);
  for (let i = 0; i < d.n; i++) if (values[i] === defs[j]) atDefault[d.labels[i]]++;
  d.schema.classes.forEach((c, k) => {
    const h = histogram(values, { bins, lo, hi, select: (i) => d.labels[i] === k && values[i] !== defs[j] });
    counts[c] = h.counts;
    defaults[c] = atDefault[k];
  });
  const edges = histogram([], { bins, lo, hi }).edges;
  return {
    jets: d.n,
    schema: d.schema.name,
    classes: classCounts(d),
    features,
    histogram: { feature: d.schema.features[j].name, unit: d.schema.features[j].unit, edges, counts, defaults },
    correlation: { names: d.schema.features.map((f) => f.name), matrix: correlation(d.schema, head, head.length / F) },
  };
}
