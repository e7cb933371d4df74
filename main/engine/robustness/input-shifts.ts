/**
 * How an attack changed the inputs: per feature, histograms before and after (defaults left out, with
 * under- and overflow bins so nothing is lost), their KL and Jensen–Shannon divergences, and the mean
 * |delta| in units of the training sigma. Sorted by how far the attack moved the feature.
 */
import type { JetDataset } from '../data/dataset.ts';
import { histogram, type Histogram } from '../metrics/histogram.ts';
import { jsDivergence, klDivergence } from '../metrics/divergence.ts';
import { defaultValues32 } from '../preprocess/defaults.ts';
import type { FeatureSchema } from '../schema/index.ts';

export interface FeatureShift {
  name: string;
  unit: string;
  nominal: Histogram;
  attacked: Histogram;
  kl: number;
  js: number;
  mean_abs_delta_sigma: number;
}

export interface InputShiftOptions {
  /** Bins per histogram. @default 40 */
  bins?: number;
}

/**
 * The shifts of an attacked subset of a data set: `rows` are the attacked jets' rows in `data`, `attacked`
 * their inputs after the attack (rows x F, physical units), in the same order. The clean rows are read in
 * place, not gathered into a copy.
 */
export function shiftsOfRows(data: JetDataset, rows: ArrayLike<number>, attacked: Float32Array, meanAbsDeltaSigma: number[], options: InputShiftOptions = {}): FeatureShift[] {
  const F = data.schema.features.length;
  return shifts(data.schema, (i, j) => data.features[rows[i] * F + j], attacked, meanAbsDeltaSigma, options);
}

/** `clean(i, j)` is feature j of the i-th attacked jet before the attack. */
function shifts(schema: FeatureSchema, clean: (i: number, j: number) => number, attacked: Float32Array, meanAbsDeltaSigma: number[], options: InputShiftOptions): FeatureShift[] {
  const F = schema.features.length;
  const n = attacked.length / F;
  const bins = options.bins ?? 40;
  const defs = defaultValues32(schema);
  // One feature's entries that are not at the default, before and after: reused for every feature.
  const before = new Float64Array(n);
  const after = new Float64Array(n);
  const out = schema.features.map((f, j): FeatureShift => {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = clean(i, j);
      if (v === defs[j]) continue;
      before[m] = v;
      after[m++] = attacked[i * F + j];
    }
    const a = before.subarray(0, m);
    const b = after.subarray(0, m);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) {
      lo = a.length ? a[0] - 0.5 : 0;
      hi = lo + 1;
    }
    const nominal = histogram(a, { bins, lo, hi });
    const att = histogram(b, { bins, lo, hi });
    const withFlows = (h: Histogram) => [h.underflow, ...h.counts, h.overflow];
    return {
      name: f.name,
      unit: f.unit,
      nominal,
      attacked: att,
      kl: klDivergence(withFlows(att), withFlows(nominal)),
      js: jsDivergence(withFlows(att), withFlows(nominal)),
      mean_abs_delta_sigma: meanAbsDeltaSigma[j],
    };
  });
  return out.sort((x, y) => y.mean_abs_delta_sigma - x.mean_abs_delta_sigma);
}
