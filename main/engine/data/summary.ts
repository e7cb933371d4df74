/**
 * What the Data page shows: class counts, each input's default fraction, one input's histogram split by
 * flavour (defaults counted apart), the correlation matrix of the inputs (defaults excluded pairwise),
 * and pages of jets.
 */
import { histogram } from '../metrics/histogram.ts';
import { defaultValues32 } from '../preprocess/defaults.ts';
import { classCounts, type JetDataset } from './dataset.ts';

export interface DataSummary {
  jets: number;
  schema: string;
  classes: Record<string, number>;
  features: Array<{ name: string; unit: string; integer: boolean; defaults_fraction: number }>;
  histogram: { feature: string; unit: string; edges: number[]; counts: Record<string, number[]>; defaults: Record<string, number> };
  correlation: { names: string[]; matrix: number[][] };
}

/** Pearson correlation over jets where both inputs are measured (not at their defaults); at most `maxJets` jets. */
function correlation(d: JetDataset, maxJets: number): number[][] {
  const F = d.schema.features.length;
  const defs = defaultValues32(d.schema);
  const n = Math.min(d.n, maxJets);
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
        const x = d.features[i * F + a];
        const y = d.features[i * F + b];
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

export function summariseData(d: JetDataset, feature?: string, bins = 40): DataSummary {
  const F = d.schema.features.length;
  const defs = defaultValues32(d.schema);
  const j = feature ? d.schema.features.findIndex((f) => f.name === feature) : 0;
  if (j < 0) throw new Error(`The ${d.schema.name} schema has no input "${feature}".`);
  const features = d.schema.features.map((f, k) => {
    let n = 0;
    for (let i = 0; i < d.n; i++) if (d.features[i * F + k] === defs[k]) n++;
    return { name: f.name, unit: f.unit, integer: f.integer, defaults_fraction: d.n ? n / d.n : 0 };
  });
  // The column in float32, the precision it is held in (half the bytes of a float64 copy, the same numbers).
  const values = new Float32Array(d.n);
  for (let i = 0; i < d.n; i++) values[i] = d.features[i * F + j];
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
    correlation: { names: d.schema.features.map((f) => f.name), matrix: correlation(d, 20000) },
  };
}
