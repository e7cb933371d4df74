import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { efficiencyAtMistag, mistagAtEfficiency, rocCurve, thresholdAtMistag } from '../../main/engine/metrics/roc.ts';
import { Rng } from '../../main/engine/rng.ts';
import { assertClose } from '../helpers.ts';

/** Independent AUC: the Mann–Whitney statistic by counting every signal/background pair (ties count 1/2). */
function pairwiseAuc(scores: number[], sig: number[], w?: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < scores.length; i++) {
    if (sig[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (sig[j] !== 0) continue;
      const ww = (w ? w[i] * w[j] : 1);
      den += ww;
      num += ww * (scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0);
    }
  }
  return num / den;
}

describe('ROC and AUC', () => {
  it('matches a hand-computed case with ties', () => {
    // signal scores 0.9, 0.6, 0.4 ; background 0.6, 0.3, 0.1, 0.4 (one tie at 0.6 and one at 0.4)
    // pairs won: 0.9 beats all 4; 0.6 beats 0.3,0.1,0.4 and ties 0.6 -> 3.5; 0.4 beats 0.3,0.1, ties 0.4 -> 2.5
    // AUC = (4 + 3.5 + 2.5) / 12 = 10/12
    const r = rocCurve({ scores: [0.9, 0.6, 0.4, 0.6, 0.3, 0.1, 0.4], isSignal: [1, 1, 1, 0, 0, 0, 0] })!;
    assertClose(r.auc, 10 / 12, 1e-12, 'AUC');
    // The curve steps: cut 0.9 -> (1/3, 0); cut 0.6 -> (2/3, 1/4); cut 0.4 -> (1, 2/4); 0.3 -> (1, 3/4); 0.1 -> (1, 1)
    assert.deepEqual(Array.from(r.curve.eff, (x) => +x.toFixed(6)), [0, 0.333333, 0.666667, 1, 1, 1]);
    assert.deepEqual(Array.from(r.curve.mistag), [0, 0, 0.25, 0.5, 0.75, 1]);
  });

  it('ignores jets that are neither signal nor background (e.g. c jets in BvL)', () => {
    const r = rocCurve({ scores: [0.9, 0.1, 0.5, 0.95], isSignal: [1, 0, -1, -1] })!;
    assert.equal(r.auc, 1);
    assert.equal(r.signal, 1);
    assert.equal(r.background, 1);
  });

  it('agrees with the pairwise Mann–Whitney count on random scores with weights and ties', () => {
    const rng = new Rng(7);
    const n = 400;
    const scores = Array.from({ length: n }, () => Math.round(rng.uniform() * 50) / 50);
    const sig = Array.from({ length: n }, () => (rng.bernoulli(0.3) ? 1 : 0));
    const w = Array.from({ length: n }, () => rng.range(0.1, 2));
    assertClose(rocCurve({ scores, isSignal: sig })!.auc, pairwiseAuc(scores, sig), 1e-12, 'unweighted AUC');
    assertClose(rocCurve({ scores, isSignal: sig, weights: w })!.auc, pairwiseAuc(scores, sig, w), 1e-12, 'weighted AUC');
  });

  it('returns null, not NaN, without signal or without background', () => {
    assert.equal(rocCurve({ scores: [0.1, 0.2], isSignal: [0, 0] }), null);
    assert.equal(rocCurve({ scores: [0.1, 0.2], isSignal: [1, 1] }), null);
  });

  it('rejects negative weights and non-finite scores', () => {
    assert.throws(() => rocCurve({ scores: [0.1, 0.2], isSignal: [0, 1], weights: [1, -1] }), /non-negative/);
    assert.throws(() => rocCurve({ scores: [NaN, 0.2], isSignal: [0, 1] }), /finite/);
  });

  it('interpolates working points along the curve', () => {
    // Perfectly separated halves: eff reaches 1 before any mistag.
    const r = rocCurve({ scores: [4, 3, 2, 1], isSignal: [1, 1, 0, 0] })!;
    assert.equal(mistagAtEfficiency(r.curve, 0.5), 0);
    assert.equal(efficiencyAtMistag(r.curve, 0.5), 1);
    // Interleaved: s b s b -> points (0,0) (.5,0) (.5,.5) (1,.5) (1,1)
    const q = rocCurve({ scores: [4, 3, 2, 1], isSignal: [1, 0, 1, 0] })!;
    assertClose(mistagAtEfficiency(q.curve, 0.75), 0.5, 1e-12, 'mistag at 75%');
    assertClose(efficiencyAtMistag(q.curve, 0.25), 0.5, 1e-12, 'eff at 25% mistag');
  });

  it('reports the highest efficiency on a vertical stretch at the working point, with that point\'s cut', () => {
    // 10 background jets: mistag 0.1 is reached by exactly one background jet (score 0.5).
    const scores = [0.9, 0.8, 0.5, 0.45, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01];
    const isSignal = [1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    // 4 signal, 9 background... make it 10 background exactly:
    scores.push(0.005);
    isSignal.push(0);
    const r = rocCurve({ scores, isSignal })!;
    // At mistag <= 0.1 the tagger may keep the 0.5 background jet and then the 0.45 and 0.4 signal jets.
    assertClose(efficiencyAtMistag(r.curve, 0.1), 1, 1e-12, 'efficiency at 10% mistag');
    assert.equal(thresholdAtMistag(r.curve, 0.1), 0.4);
  });
});
