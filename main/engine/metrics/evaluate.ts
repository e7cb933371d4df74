/**
 * The evaluation report of a model on a set of jets: per discriminant the ROC, AUC (unweighted, and
 * weighted when weights exist), CMS-style working points and per-class discriminant shapes; overall
 * the confusion matrix and class counts.
 */
import type { FeatureSchema } from '../schema/index.ts';
import { confusionMatrix } from './confusion.ts';
import { discriminant } from './discriminants.ts';
import { histogram, type Histogram } from './histogram.ts';
import { decimateRoc, efficiencyAtMistag, mistagAtEfficiency, rocCurve, thresholdAtMistag, type RocCurve } from './roc.ts';

export const EFFICIENCY_POINTS = [0.5, 0.7, 0.85];
export const MISTAG_POINTS = [0.1, 0.01, 0.001];

export interface DiscriminantReport {
  name: string;
  signal: string[];
  background: string[];
  signal_jets: number;
  background_jets: number;
  auc: number | null;
  auc_weighted?: number | null;
  reason_weighted?: string;
  /** Why the AUC is null, in words. */
  reason?: string;
  /** Mistag rate at signal efficiency 50/70/85%. */
  mistag_at_eff: Record<string, number> | null;
  /** Signal efficiency (and cut) at mistag 10/1/0.1%. */
  working_points: Array<{ mistag: number; eff: number; threshold: number }> | null;
  roc: RocCurve | null;
  /** Discriminant shape per class, 50 bins on [0, 1]. */
  shapes: Record<string, Histogram>;
}

export interface EvaluationReport {
  jets: number;
  class_counts: Record<string, number>;
  discriminants: DiscriminantReport[];
  confusion: { classes: string[]; counts: number[][]; row_normalised: number[][] };
  accuracy: number;
}

export function evaluatePredictions(schema: FeatureSchema, probs: Float32Array, labels: Int32Array, weights?: Float32Array): EvaluationReport {
  const C = schema.classes.length;
  const n = labels.length;
  const counts = new Array(C).fill(0);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  const discriminants = schema.discriminants.map((d): DiscriminantReport => {
    const { values, isSignal } = discriminant(probs, labels, schema, d);
    let nS = 0;
    let nB = 0;
    for (let i = 0; i < n; i++) {
      if (isSignal[i] === 1) nS++;
      else if (isSignal[i] === 0) nB++;
    }
    const shapes = Object.fromEntries(
      schema.classes.map((c, k) => [c, histogram(values, { bins: 50, lo: 0, hi: 1, select: (i) => labels[i] === k })]),
    );
    const base = { name: d.name, signal: d.signal, background: d.background, signal_jets: nS, background_jets: nB, shapes };
    const r = rocCurve({ scores: values, isSignal });
    if (!r) {
      const missing = [nS === 0 ? `no ${d.signal.join('/')} jets` : '', nB === 0 ? `no ${d.background.join('/')} jets` : ''].filter(Boolean).join(' and ');
      return { ...base, auc: null, reason: `${d.name} is undefined on these jets: there are ${missing}.`, mistag_at_eff: null, working_points: null, roc: null };
    }
    const out: DiscriminantReport = {
      ...base,
      auc: r.auc,
      mistag_at_eff: Object.fromEntries(EFFICIENCY_POINTS.map((e) => [String(e), mistagAtEfficiency(r.curve, e)])),
      working_points: MISTAG_POINTS.map((m) => ({ mistag: m, eff: efficiencyAtMistag(r.curve, m), threshold: thresholdAtMistag(r.curve, m) })),
      roc: decimateRoc(r.curve),
    };
    if (weights) {
      // NLO generators produce negative weights; the weighted ROC is then not a probability curve.
      const negative = weights.some((w, i) => w < 0 && isSignal[i] >= 0);
      out.auc_weighted = negative ? null : (rocCurve({ scores: values, isSignal, weights })?.auc ?? null);
      if (negative) out.reason_weighted = 'The weighted AUC is undefined: some jets have negative weights.';
    }
    return out;
  });
  const conf = confusionMatrix(probs, labels, C);
  const correct = conf.counts.reduce((s, row, k) => s + row[k], 0);
  return {
    jets: n,
    class_counts: Object.fromEntries(schema.classes.map((c, k) => [c, counts[k]])),
    discriminants,
    confusion: { classes: schema.classes, counts: conf.counts, row_normalised: conf.rowNormalised },
    accuracy: n > 0 ? correct / n : 0,
  };
}

export function aucTable(report: EvaluationReport): Record<string, number | null> {
  return Object.fromEntries(report.discriminants.map((d) => [d.name, d.auc]));
}
