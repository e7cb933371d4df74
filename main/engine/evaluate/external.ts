/**
 * An existing tagger's score read from the data file (e.g. CMS's Jet_btagDeepB = P(b)+P(bb)), judged as
 * the BvL discriminant: b and bb jets are the signal, udsg the background, c jets do not enter. One score
 * per jet cannot form BvC, CvB or CvL, which need the class probabilities; those are null with the reason.
 */
import type { JetDataset } from '../data/dataset.ts';
import { EFFICIENCY_POINTS, MISTAG_POINTS, type DiscriminantReport } from '../metrics/evaluate.ts';
import { histogram } from '../metrics/histogram.ts';
import { decimateRoc, efficiencyAtMistag, mistagAtEfficiency, rocCurve, thresholdAtMistag } from '../metrics/roc.ts';

export function externalDiscriminants(data: JetDataset, scores: Float64Array, name: string): { discriminants: DiscriminantReport[]; unscored: number } {
  const classes = data.schema.classes;
  const roles = (d: { signal: string[]; background: string[] }) =>
    Int8Array.from(data.labels, (k) => (d.signal.includes(classes[k]) ? 1 : d.background.includes(classes[k]) ? 0 : -1));
  // A score that is not a number cannot be ranked: such jets leave the ROC and are counted.
  let unscored = 0;
  const discriminants = data.schema.discriminants.map((d): DiscriminantReport => {
    const isSignal = roles(d);
    const signalJets = isSignal.filter((x) => x === 1).length;
    const backgroundJets = isSignal.filter((x) => x === 0).length;
    const base = { name: d.name, signal: d.signal, background: d.background, signal_jets: signalJets, background_jets: backgroundJets, shapes: {} };
    if (d.name !== 'BvL') {
      const reason = `${d.name} needs the tagger's class probabilities; ${name} is one b score per jet, evaluated as BvL only.`;
      return { ...base, auc: null, reason, mistag_at_eff: null, working_points: null, roc: null };
    }
    for (let i = 0; i < data.n; i++) {
      if (!Number.isFinite(scores[i]) && isSignal[i] !== -1) {
        isSignal[i] = -1;
        unscored++;
      }
    }
    // As for a run: the curve and working points unweighted, the weighted AUC beside them.
    const r = rocCurve({ scores, isSignal });
    const shapes = Object.fromEntries(classes.map((c, k) => [c, histogram(scores, { bins: 50, lo: 0, hi: 1, select: (i) => data.labels[i] === k && Number.isFinite(scores[i]) })]));
    if (!r) {
      const missing = signalJets === 0 ? `no ${d.signal.join('/')} jets` : `no ${d.background.join('/')} jets`;
      return { ...base, shapes, auc: null, reason: `${d.name} is undefined on these jets: there are ${missing}.`, mistag_at_eff: null, working_points: null, roc: null };
    }
    return {
      ...base,
      shapes,
      auc: r.auc,
      ...(data.weights ? { auc_weighted: rocCurve({ scores, isSignal, weights: data.weights })?.auc ?? null } : {}),
      mistag_at_eff: Object.fromEntries(EFFICIENCY_POINTS.map((e) => [String(e), mistagAtEfficiency(r.curve, e)])),
      working_points: MISTAG_POINTS.map((m) => ({ mistag: m, eff: efficiencyAtMistag(r.curve, m), threshold: thresholdAtMistag(r.curve, m) })),
      roc: decimateRoc(r.curve),
    };
  });
  return { discriminants, unscored };
}
