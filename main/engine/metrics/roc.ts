/**
 * ROC curves in the flavour-tagging convention: signal efficiency (e.g. b-jet efficiency) against
 * background mistag rate, built by sweeping the cut from high to low score. Jets with equal scores
 * enter together, so a tie contributes a diagonal segment (half credit), exactly as the Mann–Whitney
 * statistic counts it.
 */

export interface RocCurve {
  /** Signal efficiency at each cut, from 0 up to 1. */
  eff: number[];
  /** Background mistag rate at each cut, from 0 up to 1. */
  mistag: number[];
  /** The cut: a jet is tagged when its score >= threshold (Infinity for the first point). */
  threshold: number[];
}

/**
 * The full curve, one point per distinct score: typed arrays, because a test split of 200k jets gives
 * 200k points per discriminant and number[] grown point by point kept several times that on the heap.
 * decimateRoc() turns it into a RocCurve for storage and plotting.
 */
export interface RocPoints {
  eff: Float64Array;
  mistag: Float64Array;
  threshold: Float64Array;
}

/** What the working-point functions read: the full curve or a decimated one. */
type Curve = { [K in keyof RocCurve]: ArrayLike<number> };

export interface RocInput {
  scores: ArrayLike<number>;
  /** 1 for signal, 0 for background; other values are ignored (e.g. c jets in BvL). */
  isSignal: ArrayLike<number>;
  /** Optional non-negative per-jet weights. */
  weights?: ArrayLike<number>;
}

export interface RocResult {
  curve: RocPoints;
  auc: number;
  signal: number;
  background: number;
}

/** null when there is no signal or no background: the curve is undefined, and we say so instead of NaN. */
export function rocCurve(input: RocInput): RocResult | null {
  const { scores, isSignal, weights } = input;
  let m = 0;
  let sumS = 0;
  let sumB = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = isSignal[i];
    if (s !== 0 && s !== 1) continue;
    const w = weights ? weights[i] : 1;
    if (!(w >= 0)) throw new RangeError(`ROC weights must be non-negative; jet ${i} has ${w}.`);
    if (!Number.isFinite(scores[i])) throw new RangeError(`ROC scores must be finite; jet ${i} has ${scores[i]}.`);
    m++;
    if (s === 1) sumS += w;
    else sumB += w;
  }
  if (sumS <= 0 || sumB <= 0) return null;
  const idx = new Uint32Array(m);
  for (let i = 0, k = 0; i < scores.length; i++) if (isSignal[i] === 0 || isSignal[i] === 1) idx[k++] = i;
  // Ties keep data order (a stable sort), which changes no point: a tie enters as one step.
  idx.sort((a, b) => scores[b] - scores[a]);
  const eff = new Float64Array(m + 1);
  const mistag = new Float64Array(m + 1);
  const threshold = new Float64Array(m + 1);
  threshold[0] = Infinity;
  let points = 1;
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let k = 0; k < m; ) {
    const cut = scores[idx[k]];
    let dtp = 0;
    let dfp = 0;
    while (k < m && scores[idx[k]] === cut) {
      const i = idx[k++];
      const w = weights ? weights[i] : 1;
      if (isSignal[i] === 1) dtp += w;
      else dfp += w;
    }
    // Trapezoid in (mistag, eff): area under the segment from the previous point.
    auc += (dfp / sumB) * ((tp + dtp / 2) / sumS);
    tp += dtp;
    fp += dfp;
    eff[points] = tp / sumS;
    mistag[points] = fp / sumB;
    threshold[points++] = cut;
  }
  return {
    curve: { eff: eff.subarray(0, points), mistag: mistag.subarray(0, points), threshold: threshold.subarray(0, points) },
    auc,
    signal: sumS,
    background: sumB,
  };
}

/**
 * The working point at a mistag rate m: the last point of the curve with mistag <= m (on a vertical
 * stretch, the highest efficiency), interpolated linearly towards the next point when that one lies above m.
 */
function atMistag(curve: Curve, m: number): { k: number; eff: number } {
  let k = 0;
  while (k + 1 < curve.mistag.length && curve.mistag[k + 1] <= m) k++;
  if (k + 1 >= curve.mistag.length || curve.mistag[k] === m) return { k, eff: curve.eff[k] };
  const dm = curve.mistag[k + 1] - curve.mistag[k];
  return { k, eff: curve.eff[k] + ((m - curve.mistag[k]) / dm) * (curve.eff[k + 1] - curve.eff[k]) };
}

/** Mistag rate at a given signal efficiency: the first point reaching it, interpolated from the previous one. */
export function mistagAtEfficiency(curve: Curve, eff: number): number {
  for (let k = 1; k < curve.eff.length; k++) {
    if (curve.eff[k] >= eff) {
      const de = curve.eff[k] - curve.eff[k - 1];
      if (de <= 0) return curve.mistag[k];
      return curve.mistag[k - 1] + ((eff - curve.eff[k - 1]) / de) * (curve.mistag[k] - curve.mistag[k - 1]);
    }
  }
  return curve.mistag[curve.mistag.length - 1];
}

/** Signal efficiency at a given mistag rate, e.g. the 10%, 1%, 0.1% working points. */
export function efficiencyAtMistag(curve: Curve, mistag: number): number {
  return atMistag(curve, mistag).eff;
}

/** The cut of the last curve point whose mistag does not exceed the working point's. */
export function thresholdAtMistag(curve: Curve, mistag: number): number {
  return curve.threshold[atMistag(curve, mistag).k];
}

/**
 * Fewer points for storage and plotting: keeps every point where efficiency moved by >= dEff or
 * log10(mistag) by >= dLog since the last kept point, plus both ends.
 */
export function decimateRoc(curve: Curve, dEff = 0.002, dLog = 0.01): RocCurve {
  const out: RocCurve = { eff: [], mistag: [], threshold: [] };
  const keep = (k: number) => {
    out.eff.push(curve.eff[k]);
    out.mistag.push(curve.mistag[k]);
    out.threshold.push(curve.threshold[k]);
  };
  const last = curve.eff.length - 1;
  keep(0);
  for (let k = 1; k < last; k++) {
    const pe = out.eff[out.eff.length - 1];
    const pm = out.mistag[out.mistag.length - 1];
    const lm = (m: number) => Math.log10(Math.max(m, 1e-7));
    if (Math.abs(curve.eff[k] - pe) >= dEff || Math.abs(lm(curve.mistag[k]) - lm(pm)) >= dLog) keep(k);
  }
  if (last > 0) keep(last);
  return out;
}
