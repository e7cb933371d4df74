import type { DiscriminantSpec, FeatureSchema } from '../schema/index.ts';

/**
 * Value of a discriminant for every jet: sum(p_signal) / (sum(p_signal) + sum(p_background)),
 * and the jet's role (1 signal, 0 background, -1 neither, e.g. c jets for BvL).
 */
export function discriminant(probs: Float32Array, labels: Int32Array, schema: FeatureSchema, d: DiscriminantSpec): { values: Float64Array; isSignal: Int8Array } {
  const C = schema.classes.length;
  const sig = d.signal.map((c) => schema.classes.indexOf(c));
  const bkg = d.background.map((c) => schema.classes.indexOf(c));
  if ([...sig, ...bkg].some((i) => i < 0)) throw new Error(`Discriminant ${d.name} names a class the ${schema.name} schema lacks.`);
  const n = labels.length;
  const values = new Float64Array(n);
  const isSignal = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let b = 0;
    for (const k of sig) s += probs[i * C + k];
    for (const k of bkg) b += probs[i * C + k];
    values[i] = s + b > 0 ? s / (s + b) : 0;
    if (sig.includes(labels[i])) isSignal[i] = 1;
    else if (bkg.includes(labels[i])) isSignal[i] = 0;
  }
  return { values, isSignal };
}
