import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { epsFactorsFromJson } from '../../main/engine/attacks/factors.ts';
import { evaluateRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { memorySource, rowRanges, type JetSource } from '../../main/engine/data/source.ts';
import { jsDivergence, klDivergence } from '../../main/engine/metrics/divergence.ts';
import { robustnessScan, worstCase, type ScanRow } from '../../main/engine/robustness/scan.ts';
import { DEEPCSV_SCHEMA } from '../../shared/schema/deepcsv.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { assertClose, backend, tmpDir } from '../helpers.ts';

describe('divergences', () => {
  it('KL and JS against hand-computed values', () => {
    assert.equal(jsDivergence([1, 2, 3], [2, 4, 6]), 0, 'same shape');
    assertClose(jsDivergence([1, 0], [0, 1]), Math.LN2, 1e-12, 'disjoint');
    // KL([0.5,0.5] || [0.25,0.75]) = 0.5 ln 2 + 0.5 ln(2/3)
    assertClose(klDivergence([1, 1], [1, 3]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-9, 'KL');
    assert.ok(Number.isFinite(klDivergence([1, 1], [1, 0])), 'an empty bin of Q does not make KL infinite');
  });
});

describe('eps factors', () => {
  it('resolve feature over group over *, and reject unknown names', () => {
    const f = epsFactorsFromJson(DEEPCSV_SCHEMA, { '*': 0.5, 'group:vertex': 0, trackSip2dSig_0: 2 });
    const at = (n: string) => f[DEEPCSV_SCHEMA.features.findIndex((x) => x.name === n)];
    assert.equal(at('trackSip2dSig_0'), 2);
    assert.equal(at('vertexMass'), 0);
    assert.equal(at('jet_pt'), 0.5);
    assert.throws(() => epsFactorsFromJson(DEEPCSV_SCHEMA, { trackSip2dSig_9: 1 }), /"trackSip2dSig_9" is neither/);
    assert.throws(() => epsFactorsFromJson(DEEPCSV_SCHEMA, { jet_pt: -1 }), /must be a number >= 0/);
  });
});

describe('robustness scan', () => {
  before(backend);
  const data = generateJets({ jets: 1500, seed: 8 });
  const ws = tmpDir();

  it('gives clean AUCs at eps 0, lower AUCs under FGSM, PGD at least as strong, and caches attacked sets', async () => {
    await startTraining({ workspace: ws, name: 'nom', data, config: { epochs: 3, batchSize: 128, hidden: [32, 32] } });
    const clean = evaluateRun(ws, 'nom', data).report.discriminants[0].auc!;
    const req = { workspace: ws, runs: ['nom'], data, attacks: ['fgsm' as const, 'pgd' as const, 'noise' as const], eps: [0, 0.2] };
    const scan = await robustnessScan(req);
    assert.equal(scan.results.length, 6);
    const row = (attack: string, eps: number) => scan.results.find((r) => r.attack === attack && r.eps === eps)!;
    assert.equal(row('fgsm', 0).auc.BvL, clean);
    assert.ok(row('fgsm', 0.2).auc.BvL! < clean - 0.01, `FGSM 0.2: ${row('fgsm', 0.2).auc.BvL} vs clean ${clean}`);
    assert.ok(row('pgd', 0.2).auc.BvL! <= row('fgsm', 0.2).auc.BvL! + 1e-3, 'PGD at least as strong as FGSM');
    assert.ok(row('fgsm', 0.2).moved_fraction > 0.5);
    assert.equal(row('fgsm', 0.2).cached, false);
    const again = await robustnessScan(req);
    assert.equal(again.results.find((r) => r.attack === 'fgsm' && r.eps === 0.2)!.cached, true);
    assert.deepEqual(again.results.map((r) => r.auc), scan.results.map((r) => r.auc), 'cached sets give the same numbers');
    const worst = scan.worst_case.find((w) => w.eps === 0.2)!;
    assert.equal(worst.auc.BvL, Math.min(...scan.results.filter((r) => r.eps === 0.2).map((r) => r.auc.BvL!)));
  });

  it('a source streamed by rows gives the scan of the data loaded whole, input shifts and cached sets included', async () => {
    const reads: Array<[number, number]> = [];
    const mem = memorySource(data);
    const src: JetSource = { ...mem, inMemory: false, blocks: () => rowRanges(0, data.n, 100), readRows: async (s, e) => (reads.push([s, e]), mem.readRows(s, e)) };
    // eps 0.15 is not cached yet: the source's scan attacks and writes the sets, the whole load's finds them.
    const req = { workspace: ws, runs: ['nom'], attacks: ['fgsm' as const, 'pgd' as const], eps: [0, 0.15], shifts: { attack: 'fgsm' as const, eps: 0.15 } };
    const streamed = await robustnessScan({ ...req, data: src });
    const whole = await robustnessScan({ ...req, data });
    assert.ok(reads.length > 0 && reads.every(([s, e]) => e - s <= 100), 'read a block at a time');
    assert.ok(streamed.results.some((r) => r.eps > 0 && !r.cached) && whole.results.every((r) => r.eps === 0 || r.cached), 'the streamed scan wrote the sets the whole scan read');
    const strip = (x: typeof whole) => ({ ...x, results: x.results.map(({ cached: _, ...r }) => r) });
    assert.deepEqual(strip(streamed), strip(whole));
  });

  it('worst case picks the lowest AUC per discriminant and keeps nulls', () => {
    const rows = [
      { run: 'a', eps: 0.1, attack: 'fgsm', auc: { BvL: 0.8, CvL: null } },
      { run: 'a', eps: 0.1, attack: 'pgd', auc: { BvL: 0.7, CvL: null } },
    ] as unknown as ScanRow[];
    assert.deepEqual(worstCase(rows), [{ run: 'a', eps: 0.1, auc: { BvL: 0.7, CvL: null }, attack: { BvL: 'pgd', CvL: null } }]);
  });
});
