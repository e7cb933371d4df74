import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateScan } from '../../main/engine/robustness/aggregate-seeds.ts';
import { headline } from '../../main/engine/study/headline.ts';
import { seedGroupOf } from '../../main/engine/study/seed-group.ts';

/** Per-seed BvL AUCs of both models at each eps, as scan rows of runs nom-sK and adv-sK. */
function rows(table: Record<string, { nom: number[]; adv: number[] }>, attack = 'fgsm') {
  return Object.entries(table).flatMap(([eps, v]) => [
    ...v.nom.map((auc, k) => ({ run: `nom-s${k + 1}`, attack, eps: Number(eps), auc: { BvL: auc } })),
    ...v.adv.map((auc, k) => ({ run: `adv-s${k + 1}`, attack, eps: Number(eps), auc: { BvL: auc } })),
  ]);
}
const verdict = (r: ReturnType<typeof rows>) => headline({ rows: aggregateScan(r, seedGroupOf), nominal: 'nom', adversarial: 'adv', verdictAttacks: ['fgsm'] });

describe('headline verdict', () => {
  it('holds: clean AUCs within 0.005 and the adversarial model higher beyond the spread at eps 0.1', () => {
    // The PyTorch numbers, with a small seed spread.
    const h = verdict(rows({
      0: { nom: [0.9653, 0.9663, 0.9673], adv: [0.9656, 0.9666, 0.9676] },
      0.05: { nom: [0.928, 0.930, 0.932], adv: [0.934, 0.936, 0.938] },
      0.1: { nom: [0.868, 0.871, 0.874], adv: [0.886, 0.889, 0.892] },
    }));
    assert.equal(h.holds, true);
    assert.equal(h.clean.kept, true);
    const p = h.attacked.find((x) => x.eps === 0.1)!;
    assert.ok(Math.abs(p.difference - 0.018) < 1e-9);
    // sd 0.003 each: spread sqrt(2) * 0.003.
    assert.ok(Math.abs(p.spread! - Math.SQRT2 * 0.003) < 1e-9);
    assert.equal(p.beyond_spread, true);
    // eps 0.05: difference 0.006 > spread 0.0028 too.
    assert.equal(h.attacked.find((x) => x.eps === 0.05)!.beyond_spread, true);
    assert.match(h.sentence, /^The paper's claim holds on these data \(3 seeds per model\)/);
    assert.match(h.sentence, /0\.8890 ± 0\.0030 against 0\.8710 ± 0\.0030/);
  });

  it('fails on a clean drop, however robust the adversarial model is', () => {
    const h = verdict(rows({
      0: { nom: [0.966, 0.966, 0.967], adv: [0.940, 0.941, 0.942] },
      0.1: { nom: [0.87, 0.871, 0.872], adv: [0.92, 0.921, 0.922] },
    }));
    assert.equal(h.clean.kept, false);
    assert.equal(h.attacked[0].beyond_spread, true);
    assert.equal(h.holds, false);
    assert.match(h.sentence, /does not hold.*clean AUCs differ by more than the tolerance/);
  });

  it('fails when the attacked gain lies within the seed spread', () => {
    // Gain 0.004, sd 0.004 each: spread 0.0057 > 0.004.
    const h = verdict(rows({
      0: { nom: [0.962, 0.966, 0.970], adv: [0.962, 0.966, 0.970] },
      0.1: { nom: [0.867, 0.871, 0.875], adv: [0.871, 0.875, 0.879] },
    }));
    assert.equal(h.clean.kept, true);
    assert.ok(h.attacked[0].difference > 0);
    assert.equal(h.attacked[0].beyond_spread, false);
    assert.equal(h.holds, false);
    assert.match(h.sentence, /at no ε ≤ 0\.1 is the adversarial model's attacked AUC higher beyond the seed spread/);
  });

  it('a gain only at eps > 0.1 is reported but does not decide', () => {
    const h = verdict(rows({
      0: { nom: [0.965, 0.966, 0.967], adv: [0.965, 0.966, 0.967] },
      0.1: { nom: [0.870, 0.871, 0.872], adv: [0.870, 0.871, 0.872] },
      0.2: { nom: [0.70, 0.71, 0.72], adv: [0.80, 0.81, 0.82] },
    }));
    const far = h.attacked.find((x) => x.eps === 0.2)!;
    assert.equal(far.beyond_spread, true);
    assert.equal(far.decides, false);
    assert.equal(h.holds, false);
  });

  it('an attack outside the verdict attacks does not decide', () => {
    const r = [
      ...rows({ 0: { nom: [0.965, 0.966, 0.967], adv: [0.965, 0.966, 0.967] }, 0.1: { nom: [0.87, 0.871, 0.872], adv: [0.87, 0.871, 0.872] } }),
      ...rows({ 0.1: { nom: [0.80, 0.801, 0.802], adv: [0.90, 0.901, 0.902] } }, 'noise'),
    ];
    assert.equal(verdict(r).holds, false);
    assert.equal(headline({ rows: aggregateScan(r, seedGroupOf), nominal: 'nom', adversarial: 'adv' }).holds, true);
  });

  it('one seed per model has no spread, so the claim cannot be shown', () => {
    const h = verdict(rows({ 0: { nom: [0.966], adv: [0.966] }, 0.1: { nom: [0.87], adv: [0.95] } }));
    assert.equal(h.attacked[0].spread, null);
    assert.equal(h.holds, false);
    assert.match(h.sentence, /fewer than two seeds/);
  });

  it('refuses a scan without clean AUCs or without one of the models', () => {
    assert.throws(() => verdict(rows({ 0.1: { nom: [0.87, 0.88], adv: [0.9, 0.91] } })), /include eps 0/);
    assert.throws(() => headline({ rows: aggregateScan(rows({ 0: { nom: [0.9], adv: [] } }), seedGroupOf), nominal: 'nom', adversarial: 'adv' }), /both "nom" and "adv"/);
  });
});
