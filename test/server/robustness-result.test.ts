import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { attackJets } from '../../main/engine/attacks/apply.ts';
import { loadData } from '../../main/engine/data/load.ts';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { predictRaw, rowsForRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { discriminant } from '../../main/engine/metrics/discriminants.ts';
import type { RunInputShifts, ScanResult } from '../../main/engine/robustness/scan.ts';
import { loadRun } from '../../main/engine/store/run-model.ts';
import { Workspace } from '../../main/engine/store/workspace.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch, type Handlers } from '../../main/server/handlers.ts';
import { backend, tmpDir, waitForJob } from '../helpers.ts';

const DATA = 'synthetic:1500';

/** Independent AUC: the Mann–Whitney count over every signal/background pair (ties count 1/2). */
function pairwiseAuc(values: ArrayLike<number>, isSignal: ArrayLike<number>): number {
  let won = 0;
  let pairs = 0;
  for (let i = 0; i < values.length; i++) {
    if (isSignal[i] !== 1) continue;
    for (let j = 0; j < values.length; j++) {
      if (isSignal[j] !== 0) continue;
      pairs++;
      won += values[i] > values[j] ? 1 : values[i] === values[j] ? 0.5 : 0;
    }
  }
  return won / pairs;
}

/** Jensen–Shannon divergence in nats, written out from its definition. */
function js(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) d += (a / 2) * Math.log(a / m);
    if (b > 0) d += (b / 2) * Math.log(b / m);
  }
  return d;
}

describe('robustness results, attacked ROC overlays and run tags through the handlers', () => {
  const ws = tmpDir();
  const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
  let handlers: Handlers;
  let data: JetDataset;
  const call = async (op: string, payload: unknown) => {
    const reply = await dispatch(handlers, op, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as Record<string, unknown>;
  };

  before(async () => {
    await backend();
    data = await loadData(DATA);
    const config = { epochs: 2, batchSize: 128, hidden: [32, 32] };
    await startTraining({ workspace: ws, name: 'nominal', data, config });
    await startTraining({ workspace: ws, name: 'adv', data, config: { ...config, adversarial: { attack: 'fgsm', eps: 0.05, fraction: 1, warmupEpochs: 0 } } });
    handlers = createHandlers(ws, jobs);
  });
  after(() => {
    for (const j of jobs.list()) if (j.status === 'running' || j.status === 'queued') jobs.cancel(j.id);
  });

  it('overlays each run on its own attacked inputs: the dashed curve is the ROC of the model on independently attacked jets', async () => {
    const fig = await call('figure', { plot: 'roc', runs: ['nominal', 'adv'], data: DATA, discriminant: 'BvL', attack: { kind: 'fgsm', eps: 0.1 } });
    const series = (fig.option as { series: Array<{ name?: string; type: string; xAxisIndex: number; lineStyle?: { type: string; color: string } }> }).series;
    const curves = series.filter((s) => s.type === 'line' && s.name && s.xAxisIndex === 0);
    assert.equal(curves.length, 4, 'two runs, each clean and attacked');
    for (const [k, name] of ['nominal', 'adv'].entries()) {
      const clean = curves[2 * k];
      const attacked = curves[2 * k + 1];
      assert.match(clean.name!, new RegExp(`^${name} \\(AUC`));
      assert.match(attacked.name!, new RegExp(`^${name}, FGSM ε = 0.1 \\(AUC (\\d\\.\\d{3})\\)$`));
      assert.equal(attacked.lineStyle!.type, 'dashed');
      assert.equal(attacked.lineStyle!.color, clean.lineStyle!.color, 'same colour as the clean curve');
      // The same attack computed here with the attack module (no cache), then the AUC by pair counting.
      const run = loadRun(ws, name);
      try {
        const { rows } = rowsForRun(run, data);
        const labels = Int32Array.from(rows, (i) => data.labels[i]);
        const adv = attackJets({ model: run.model, standardizer: run.standardizer, schema: data.schema, loss: run.config.train.loss, raw: data.features, labels: data.labels, rows, spec: { kind: 'fgsm', eps: 0.1 } });
        const d = discriminant(predictRaw(run, data.schema, adv.raw), labels, data.schema, data.schema.discriminants.find((x) => x.name === 'BvL')!);
        const auc = pairwiseAuc(d.values, d.isSignal);
        const shown = Number(/AUC (\d\.\d{3})\)$/.exec(attacked.name!)![1]);
        assert.ok(Math.abs(shown - auc) <= 0.0005 + 1e-12, `${name}: attacked AUC shown ${shown}, computed ${auc}`);
        const cleanShown = Number(/AUC (\d\.\d{3})\)$/.exec(clean.name!)![1]);
        assert.ok(shown < cleanShown, `${name}: FGSM lowers the AUC (${shown} vs ${cleanShown})`);
      } finally {
        run.model.dispose();
      }
    }
  });

  it('draws the rejection view on request and refuses an attack of size 0 or an unknown view', async () => {
    const fig = await call('figure', { plot: 'roc', runs: ['nominal'], data: DATA, view: 'rejection' });
    const y = (fig.option as { yAxis: Array<{ type: string; min: number }> }).yAxis[0];
    assert.deepEqual([y.type, y.min], ['log', 1]);
    await assert.rejects(call('figure', { plot: 'roc', runs: ['nominal'], data: DATA, attack: { kind: 'fgsm', eps: 0 } }), /attack\.eps/);
    await assert.rejects(call('figure', { plot: 'roc', runs: ['nominal'], data: DATA, view: 'sideways' }), /view/);
  });

  it('returns the worst case per run and the input shifts of the chosen attack from a robustness job', async () => {
    const started = await call('startJob', { job: { kind: 'robustness', runs: ['nominal', 'adv'], data: DATA, attacks: ['fgsm', 'noise'], eps: [0, 0.1], shifts: { attack: 'fgsm', eps: 0.1, bins: 200 } } });
    const done = await waitForJob(jobs, (started.job as JobInfo).id);
    assert.equal(done.status, 'complete', done.error);
    const result = done.result as ScanResult;
    assert.equal(result.results.length, 8);
    for (const run of ['nominal', 'adv']) {
      const w = result.worst_case.find((x) => x.run === run && x.eps === 0.1)!;
      const rows = result.results.filter((r) => r.run === run && r.eps === 0.1);
      assert.equal(w.auc.BvL, Math.min(...rows.map((r) => r.auc.BvL!)));
      assert.equal(w.attack.BvL, rows.find((r) => r.auc.BvL === w.auc.BvL)!.attack);
    }
    assert.deepEqual(result.input_shifts!.map((s) => s.run), ['nominal', 'adv']);
    // 200 bins make this result over a megabyte: it must still reach the window whole.
    assert.ok(JSON.stringify(result).length > 1_000_000);
    assert.ok(result.input_shifts!.every((s) => s.features.every((f) => f.nominal.counts.length === 200 && f.attacked.edges.length === 201)));

    // Independently: attack the same jets, then mean |delta| per feature in the run's training sigma.
    const shifts: RunInputShifts = result.input_shifts![0];
    const run = loadRun(ws, 'nominal');
    try {
      const { rows } = rowsForRun(run, data);
      const adv = attackJets({ model: run.model, standardizer: run.standardizer, schema: data.schema, loss: run.config.train.loss, raw: data.features, labels: data.labels, rows, spec: { kind: 'fgsm', eps: 0.1 } });
      const F = data.schema.features.length;
      const meanAbs = data.schema.features.map((_, j) => {
        let s = 0;
        for (let k = 0; k < rows.length; k++) s += Math.abs(adv.raw[k * F + j] - data.features[rows[k] * F + j]) / run.standardizer.std[j];
        return s / rows.length;
      });
      assert.equal(shifts.jets, rows.length);
      assert.equal(shifts.features.length, F);
      const values = shifts.features.map((f) => f.mean_abs_delta_sigma);
      assert.deepEqual(values, [...values].sort((a, b) => b - a), 'ranked by mean |delta|, largest first');
      for (const f of shifts.features) {
        const j = data.schema.features.findIndex((x) => x.name === f.name);
        // float32 round trip of physical values: relative agreement to 1e-3 of an FGSM step.
        assert.ok(Math.abs(f.mean_abs_delta_sigma - meanAbs[j]) <= 1e-4, `${f.name}: ${f.mean_abs_delta_sigma} vs ${meanAbs[j]}`);
        // Histograms count the jets where the input is not at its default, before and after, flows included.
        let present = 0;
        for (let k = 0; k < rows.length; k++) if (data.features[rows[k] * F + j] !== Math.fround(data.schema.features[j].defaultValue)) present++;
        const total = (h: { counts: number[]; underflow: number; overflow: number }) => h.counts.reduce((a, b) => a + b, h.underflow + h.overflow);
        assert.equal(total(f.nominal), present, f.name);
        assert.equal(total(f.attacked), present, f.name);
        const flows = (h: { counts: number[]; underflow: number; overflow: number }) => [h.underflow, ...h.counts, h.overflow];
        assert.ok(Math.abs(f.js - js(flows(f.attacked), flows(f.nominal))) < 1e-12, `${f.name} JS`);
      }
      assert.ok(shifts.features[0].mean_abs_delta_sigma > 0.05, 'FGSM moves the top input by a sizeable fraction of eps');
    } finally {
      run.model.dispose();
    }
  });

  it('stores tags atomically in the run folder, shows them in the runs list and validates them', async () => {
    const set = await call('setRunTags', { run: 'adv', tags: ['robust', ' eps=0.05 ', 'robust', 'FGSM-trained'] });
    assert.deepEqual(set, { run: 'adv', tags: ['robust', 'eps=0.05', 'FGSM-trained'] });
    const dir = path.join(ws, 'runs', 'adv');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'tags.json'), 'utf8')), ['robust', 'eps=0.05', 'FGSM-trained']);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    assert.deepEqual(new Workspace(ws).tags('adv'), ['robust', 'eps=0.05', 'FGSM-trained'], 'a fresh store reads them back');
    const listed = (await call('listRuns', {})).runs as Array<{ name: string; tags: string[]; adversarial: { attack: string; eps: number } | null }>;
    assert.deepEqual(listed.find((r) => r.name === 'adv')!.tags, ['robust', 'eps=0.05', 'FGSM-trained']);
    assert.deepEqual(listed.find((r) => r.name === 'nominal')!.tags, []);
    assert.deepEqual([listed.find((r) => r.name === 'adv')!.adversarial?.attack, listed.find((r) => r.name === 'adv')!.adversarial?.eps], ['fgsm', 0.05]);
    assert.equal(listed.find((r) => r.name === 'nominal')!.adversarial, null);
    // Replacing is whole: the old list is gone.
    assert.deepEqual((await call('setRunTags', { run: 'adv', tags: [] })).tags, []);
    assert.deepEqual(new Workspace(ws).tags('adv'), []);

    await assert.rejects(call('setRunTags', { run: 'adv', tags: ['<script>'] }), /Invalid setRunTags request at tags\.0: a tag is letters/);
    await assert.rejects(call('setRunTags', { run: 'adv', tags: ['x'.repeat(41)] }), /tags\.0/);
    await assert.rejects(call('setRunTags', { run: 'adv', tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }), /tags/);
    await assert.rejects(call('setRunTags', { run: 'adv', tags: ['   '] }), /tags\.0/);
    await assert.rejects(call('setRunTags', { run: 'ghost', tags: ['a'] }), /No run "ghost"/);
    await assert.rejects(call('setRunTags', { run: '../adv', tags: ['a'] }), /run/);
    assert.deepEqual(new Workspace(ws).tags('adv'), [], 'refused requests changed nothing');
  });
});
