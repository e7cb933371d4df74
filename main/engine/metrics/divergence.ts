/**
 * Divergences between two binned distributions (e.g. an input feature before and after an attack).
 * Both histograms are normalised first; KL uses a small floor so an empty bin of Q does not make it
 * infinite, Jensen–Shannon needs none and is bounded by ln 2.
 */

function normalise(h: ArrayLike<number>): number[] {
  const values = Array.from(h);
  const s = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (s > 0 ? v / s : 0));
}

/** KL(P || Q) in nats, with empty bins of Q floored at `floor` (relative probability). @default floor 1e-6 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, floor = 1e-6): number {
  if (p.length !== q.length) throw new RangeError(`Histograms differ in length (${p.length} vs ${q.length}).`);
  const P = normalise(p);
  const Q = normalise(q).map((v) => Math.max(v, floor));
  const z = Q.reduce((a, b) => a + b, 0);
  let kl = 0;
  for (let i = 0; i < P.length; i++) if (P[i] > 0) kl += P[i] * Math.log(P[i] / (Q[i] / z));
  return Math.max(0, kl);
}

/** Jensen–Shannon divergence in nats (0 for identical shapes, ln 2 for disjoint ones). */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`Histograms differ in length (${p.length} vs ${q.length}).`);
  const P = normalise(p);
  const Q = normalise(q);
  let js = 0;
  for (let i = 0; i < P.length; i++) {
    const m = (P[i] + Q[i]) / 2;
    if (P[i] > 0) js += 0.5 * P[i] * Math.log(P[i] / m);
    if (Q[i] > 0) js += 0.5 * Q[i] * Math.log(Q[i] / m);
  }
  return Math.max(0, js);
}
