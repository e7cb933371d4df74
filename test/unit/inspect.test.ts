import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { attackJets } from '../../main/engine/attacks/apply.ts';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { renderSvg } from '../../main/engine/export/render.ts';
import { loadData } from '../../main/engine/data/load.ts';
import { inspectJet, type InspectResult } from '../../main/engine/inspect/inspect-jet.ts';
import { rowsOf, SPLIT_TEST, SPLIT_TRAIN } from '../../main/engine/preprocess/split.ts';
import type { Standardizer } from '../../main/engine/preprocess/standardize.ts';
import { loadRun } from '../../main/engine/store/run-model.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import type { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { OPERATIONS } from '../../shared/api/contract.ts';
import { barChart } from '../../shared/charts/bars.ts';
import { fromWire, toWire } from '../../shared/charts/wire.ts';
import { backend, tmpDir } from '../helpers.ts';

const SPEC = 'synthetic:1500';

/** The network evaluated by hand in float64 from the stored weights and preprocess.json: no tfjs, no engine code. */
class Reference {
  constructor(
    private readonly layers: Array<{ w: Float32Array; b: Float32Array; fanIn: number; fanOut: number }>,
    readonly s: Standardizer,
    private readonly defaults: number[],
  ) {}

  static load(workspace: string, run: string, data: JetDataset): Reference {
    const loaded = loadRun(workspace, run);
    const arrays = loaded.model.getWeights();
    const widths = [loaded.model.config.inputs, ...loaded.model.config.hidden, loaded.model.config.outputs];
    loaded.model.dispose();
    const layers = widths.slice(1).map((fanOut, l) => ({ w: arrays[2 * l], b: arrays[2 * l + 1], fanIn: widths[l], fanOut }));
    const s = (JSON.parse(fs.readFileSync(path.join(workspace, 'runs', run, 'preprocess.json'), 'utf8')) as { standardizer: Standardizer }).standardizer;
    return new Reference(layers, s, data.schema.features.map((f) => Math.fround(f.defaultValue)));
  }

  probs(raw: ArrayLike<number>): number[] {
    let h = Array.from(raw, (v, j) => (v === this.defaults[j] ? this.s.defaultScaled[j] : (v - this.s.mean[j]) / this.s.std[j]));
    this.layers.forEach(({ w, b, fanIn, fanOut }, l) => {
      const out = Array.from({ length: fanOut }, (_, o) => {
        let z = b[o];
        for (let i = 0; i < fanIn; i++) z += h[i] * w[i * fanOut + o];
        return l + 1 < this.layers.length ? Math.max(z, 0) : z;
      });
      h = out;
    });
    const m = Math.max(...h);
    const e = h.map((z) => Math.exp(z - m));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  }
}

const jetRow = (data: JetDataset, r: number) => Array.from(data.features.subarray(r * 67, (r + 1) * 67));

describe('Inspect: one jet before and after an attack', () => {
  let data: JetDataset;
  let ws: string;
  let ref: Reference;
  let testRows: Uint32Array;
  let trainRows: Uint32Array;
  const EPS = 0.05;

  before(async () => {
    await backend();
    data = await loadData(SPEC);
    ws = tmpDir();
    await startTraining({ workspace: ws, name: 'nom', data, config: { epochs: 2, batchSize: 128, hidden: [24, 24] } });
    ref = Reference.load(ws, 'nom', data);
    const run = loadRun(ws, 'nom');
    run.model.dispose();
    testRows = rowsOf(run.split, SPLIT_TEST);
    trainRows = rowsOf(run.split, SPLIT_TRAIN);
  });

  /** A test-split jet with missing tracks (default entries) and a vertex, so every kind of entry is present. */
  function jetWithDefaults(): number {
    const nTracks = data.schema.features.findIndex((f) => f.name === 'jetNSelectedTracks');
    const cat = data.schema.features.findIndex((f) => f.name === 'vertexCategory');
    const r = Array.from(testRows).find((i) => data.features[i * 67 + nTracks] >= 2 && data.features[i * 67 + nTracks] <= 4 && data.features[i * 67 + cat] === 0);
    assert.ok(r !== undefined, 'the test split holds a jet with 2-4 tracks and a vertex');
    return r;
  }

  it('frozen inputs are exactly the integer and default entries, and stay bit-identical; free inputs move by eps', async () => {
    const jet = jetWithDefaults();
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: EPS }, select: { mode: 'index' }, jet });
    assert.equal(res.jet, jet);
    assert.equal(res.in_pool, true);
    assert.equal(res.label, data.schema.classes[data.labels[jet]]);
    const raw = jetRow(data, jet);
    const reasons = { integer: 0, default: 0 };
    let moved = 0;
    res.features.forEach((f, j) => {
      const spec = data.schema.features[j];
      assert.equal(f.name, spec.name);
      assert.equal(f.nominal, raw[j], `${f.name} nominal is the data value`);
      const expectFrozen = spec.integer || raw[j] === Math.fround(spec.defaultValue);
      assert.equal(f.frozen, expectFrozen, `${f.name} frozen`);
      if (f.frozen) {
        assert.equal(f.frozen_reason, spec.integer ? 'integer' : 'default', `${f.name} reason`);
        reasons[f.frozen_reason!]++;
        assert.ok(Object.is(f.attacked, f.nominal), `${f.name} frozen but changed: ${f.nominal} -> ${f.attacked}`);
        assert.equal(f.delta_sigma, 0);
      } else {
        assert.equal(f.frozen_reason, null);
        // FGSM moves every free input by exactly ±eps in standardised units (0 only where the gradient vanishes).
        if (f.delta_sigma !== 0) {
          moved++;
          assert.ok(Math.abs(Math.abs(f.delta_sigma) - EPS) < 2e-4, `${f.name}: |Δσ| = ${Math.abs(f.delta_sigma)}, expected ${EPS}`);
        }
      }
    });
    assert.ok(reasons.integer >= 4 && reasons.default >= 7, `frozen reasons ${JSON.stringify(reasons)}`);
    assert.ok(moved >= 0.5 * res.features.filter((f) => !f.frozen).length, `only ${moved} free inputs moved`);
  });

  it('Δσ is (attacked − nominal) / training σ, and the attacked jet is the one the robustness scan attacks', async () => {
    const jet = testRows[5];
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'pgd', eps: EPS }, select: { mode: 'index' }, jet });
    res.features.forEach((f, j) => {
      assert.equal(f.sigma, ref.s.std[j]);
      const expected = (f.attacked - f.nominal) / ref.s.std[j];
      assert.ok(Math.abs(f.delta_sigma - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${f.name}: ${f.delta_sigma} vs ${expected}`);
    });
    const run = loadRun(ws, 'nom');
    try {
      // The same call the robustness scan and `tagscape attack` make: the run's evaluated jets, its loss, inference mode.
      const all = attackJets({ model: run.model, standardizer: run.standardizer, schema: data.schema, loss: run.config.train.loss, raw: data.features, labels: data.labels, rows: testRows, spec: { kind: 'pgd', eps: EPS } });
      const k = testRows.indexOf(jet);
      assert.deepEqual(res.features.map((f) => f.attacked), Array.from(all.raw.subarray(k * 67, (k + 1) * 67)));
    } finally {
      run.model.dispose();
    }
  });

  it('probabilities sum to 1 and equal the network evaluated by hand, before and after; discriminants follow', async () => {
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: 0.2 }, select: { mode: 'index' }, jet: testRows[11] });
    for (const [which, probs, raw] of [['nominal', res.probs.nominal, res.features.map((f) => f.nominal)], ['attacked', res.probs.attacked, res.features.map((f) => f.attacked)]] as const) {
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5, `${which} probabilities sum to 1`);
      const expected = ref.probs(raw);
      probs.forEach((p, c) => assert.ok(Math.abs(p - expected[c]) < 1e-5, `${which} p(${res.classes[c]}) = ${p}, by hand ${expected[c]}`));
      const [b, bb, c, udsg] = probs;
      const byHand: Record<string, number> = { BvL: (b + bb) / (b + bb + udsg), BvC: (b + bb) / (b + bb + c), CvB: c / (c + b + bb), CvL: c / (c + udsg) };
      for (const d of res.discriminants) assert.ok(Math.abs(d[which] - byHand[d.name]) < 1e-6, `${which} ${d.name}`);
    }
    assert.notDeepEqual(res.probs.attacked, res.probs.nominal, 'an eps = 0.2 FGSM step changes the prediction');
  });

  it('the tracks table holds quantity x track slot of the same inputs', async () => {
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: EPS }, select: { mode: 'index' }, jet: jetWithDefaults() });
    assert.equal(res.tracks.tracks, 6);
    assert.deepEqual(res.tracks.rows.map((r) => r.feature).sort(), ['trackDecayLenVal', 'trackDeltaR', 'trackJetDistVal', 'trackPtRatio', 'trackPtRel', 'trackSip2dSig', 'trackSip3dSig']);
    const byName = new Map(res.features.map((f) => [f.name, f]));
    for (const row of res.tracks.rows) {
      for (let k = 0; k < 6; k++) {
        const f = byName.get(`${row.feature}_${k}`)!;
        assert.equal(row.names[k], f.name);
        assert.deepEqual([row.nominal[k], row.attacked[k], row.delta_sigma[k], row.frozen[k]], [f.nominal, f.attacked, f.delta_sigma, f.frozen]);
      }
    }
  });

  it('"most changed" returns the maximum over the ranked jets, checked by brute force', async () => {
    const sample = 300;
    const pool = testRows.slice(0, sample);
    const run = loadRun(ws, 'nom');
    let attacked: Float32Array;
    try {
      attacked = attackJets({ model: run.model, standardizer: run.standardizer, schema: data.schema, loss: run.config.train.loss, raw: data.features, labels: data.labels, rows: pool, spec: { kind: 'fgsm', eps: 0.1 } }).raw;
    } finally {
      run.model.dispose();
    }
    const bvl = (p: number[]) => (p[0] + p[1]) / (p[0] + p[1] + p[3]);
    const brute = Array.from(pool, (r, k) => {
      const pn = ref.probs(jetRow(data, r));
      const pa = ref.probs(attacked.subarray(k * 67, (k + 1) * 67));
      const t = data.labels[r];
      return { jet: r, label: data.labels[r], dTrue: Math.abs(pa[t] - pn[t]), dBvL: Math.abs(bvl(pa) - bvl(pn)) };
    });
    for (const [metric, key, className] of [['true', 'dTrue', undefined], ['BvL', 'dBvL', 'b']] as const) {
      const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: 0.1 }, select: { mode: 'changed', metric, className }, sample });
      const cands = res.candidates.candidates;
      assert.equal(res.pool, sample);
      assert.equal(cands.length, 20);
      const eligible = brute.filter((b) => className === undefined || data.schema.classes[b.label] === className);
      const best = eligible.reduce((a, b) => (b[key] > a[key] ? b : a));
      assert.ok(Math.abs(cands[0].value - best[key]) < 1e-5, `${metric}: top ${cands[0].value} (jet ${cands[0].jet}) vs brute-force max ${best[key]} (jet ${best.jet})`);
      assert.equal(res.jet, cands[0].jet, 'without a jet the first candidate is shown');
      const chosen = new Set(cands.map((c) => c.jet));
      const floor = cands[cands.length - 1].value;
      for (const b of eligible) if (!chosen.has(b.jet)) assert.ok(b[key] <= floor + 1e-5, `${metric}: jet ${b.jet} (${b[key]}) beats the last candidate (${floor})`);
      for (let i = 1; i < cands.length; i++) assert.ok(cands[i].value <= cands[i - 1].value, 'candidates in descending order');
      for (const c of cands) {
        assert.ok(Math.abs(c.value - eligible.find((b) => b.jet === c.jet)![key]) < 1e-5, `jet ${c.jet} value`);
        assert.ok(Math.abs(c.value - Math.abs(c.attacked - c.nominal)) < 1e-9);
      }
    }
  });

  it('class + score ranks the nominal score among the jets of that class, highest or lowest first', async () => {
    const sample = 300;
    const pool = Array.from(testRows.slice(0, sample)).filter((r) => data.labels[r] === 0);
    const pb = new Map(pool.map((r) => [r, ref.probs(jetRow(data, r))[0]]));
    for (const order of ['highest', 'lowest'] as const) {
      const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: EPS }, select: { mode: 'score', score: 'b', order, className: 'b' }, sample, candidates: 5 });
      const sorted = [...pb.values()].sort((a, b) => (order === 'highest' ? b - a : a - b));
      const cands = res.candidates.candidates;
      assert.equal(cands.length, 5);
      cands.forEach((c, i) => {
        assert.equal(c.label, 'b');
        assert.ok(Math.abs(c.value - sorted[i]) < 1e-5, `${order} #${i}: ${c.value} vs ${sorted[i]}`);
        assert.ok(Math.abs(c.nominal - pb.get(c.jet)!) < 1e-5);
      });
      assert.equal(res.label, 'b');
    }
  });

  it('a row outside the evaluated jets is attacked alone, and index candidates follow it in data order', async () => {
    const jet = trainRows[3];
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'fgsm', eps: EPS }, select: { mode: 'index' }, jet });
    assert.equal(res.in_pool, false);
    const run = loadRun(ws, 'nom');
    try {
      const alone = attackJets({ model: run.model, standardizer: run.standardizer, schema: data.schema, loss: run.config.train.loss, raw: data.features, labels: data.labels, rows: [jet], spec: { kind: 'fgsm', eps: EPS } });
      assert.deepEqual(res.features.map((f) => f.attacked), Array.from(alone.raw));
    } finally {
      run.model.dispose();
    }
    const expected = Array.from(testRows).filter((r) => r >= jet).slice(0, 20);
    assert.deepEqual(res.candidates.candidates.map((c) => c.jet), expected);
  });

  it('eps = 0 leaves the jet and its prediction unchanged', async () => {
    const res = await inspectJet('nom', { workspace: ws, data, attack: { kind: 'noise', eps: 0 }, select: { mode: 'index' }, jet: testRows[0] });
    assert.ok(res.features.every((f) => Object.is(f.attacked, f.nominal) && f.delta_sigma === 0));
    assert.deepEqual(res.probs.attacked, res.probs.nominal);
  });

  describe('inspectJet operation', () => {
    const handlers = () => createHandlers(ws, {} as JobManager);
    const valid = { run: 'nom', data: SPEC, attack: 'fgsm', eps: 0.05, select: { mode: 'changed', metric: 'true' }, sample: 200 };

    it('refuses bad payloads before the engine, with one sentence', async () => {
      const bad: unknown[] = [
        {},
        { ...valid, run: '../etc' },
        { ...valid, attack: 'shift' },
        { ...valid, attack: 'cw' },
        { ...valid, eps: -1 },
        { ...valid, eps: 1e9 },
        { ...valid, eps: '0.1' },
        { ...valid, select: { mode: 'index' } },
        { ...valid, select: { mode: 'nearest' } },
        { ...valid, select: { mode: 'score', score: 'b' } },
        { ...valid, select: { mode: 'changed', metric: 'true', extra: 1 } },
        { ...valid, select: { mode: 'changed', metric: 'x'.repeat(50) } },
        { ...valid, jet: -1 },
        { ...valid, jet: 1.5 },
        { ...valid, sample: 0 },
        { ...valid, sample: 1e7 },
        { ...valid, candidates: 1000 },
        { ...valid, surprise: true },
        null,
        [valid],
      ];
      const h = handlers();
      for (const payload of bad) {
        const reply = await dispatch(h, 'inspectJet', payload);
        assert.equal(reply.ok, false, `accepted ${JSON.stringify(payload)}`);
        if (!reply.ok) assert.match(reply.error, /^Invalid inspectJet request[^\n]*\.$/, reply.error);
      }
      const noJet = await dispatch(h, 'inspectJet', { ...valid, select: { mode: 'index' } });
      assert.ok(!noJet.ok && /jet/.test(noJet.error), 'index mode without a jet names the jet');
    });

    it('answers engine-level mistakes with one sentence', async () => {
      const h = handlers();
      for (const [payload, pattern] of [
        [{ ...valid, select: { mode: 'changed', metric: 'true', className: 'top' } }, /Unknown class "top"; classes: b, bb, c, udsg\./],
        [{ ...valid, select: { mode: 'score', score: 'BvX', order: 'highest' } }, /"BvX" is neither a class/],
        [{ ...valid, select: { mode: 'index' }, jet: 1500 }, /Jet 1500 is not a row of these data; give a row index 0\.\.1499\./],
        [{ ...valid, run: 'missing' }, /missing/],
      ] as const) {
        const reply = await dispatch(h, 'inspectJet', payload);
        assert.ok(!reply.ok, `accepted ${JSON.stringify(payload)}`);
        if (!reply.ok) assert.match(reply.error, pattern);
      }
    });

    it('leaves no tensor behind', async () => {
      const h = handlers();
      const before = tf.memory().numTensors;
      for (const attack of ['fgsm', 'pgd', 'ngm', 'noise']) {
        const reply = await dispatch(h, 'inspectJet', { ...valid, attack, eps: 0.07 });
        assert.ok(reply.ok, reply.ok ? '' : reply.error);
        const r = reply.result as InspectResult;
        assert.deepEqual(OPERATIONS.inspectJet.response.parse(JSON.parse(JSON.stringify(r))), r, 'the answer survives JSON and matches the contract');
        assert.equal(r.attack.kind, attack);
        assert.equal(r.candidates.candidates.length, 20);
      }
      assert.equal(tf.memory().numTensors, before, 'tensors before and after inspecting');
    });
  });
});

describe('bar chart builder (Inspect class probabilities)', () => {
  const input = {
    categories: ['p(b)', 'p(bb)', 'p(c)', 'p(udsg)'],
    series: [{ label: 'nominal', values: [0.71, 0.05, 0.14, 0.1] }, { label: 'FGSM ε = 0.05', values: [0.32, 0.03, 0.2, 0.45] }],
    x: { title: 'class' },
    y: { title: 'probability', min: 0 },
    label: { preset: 'cms' as const, lines: ['jet 17 (true b)'] },
    valueDecimals: 3,
  };

  it('renders every class, series and printed value, on an axis from 0 to a round top', () => {
    const option = barChart(input);
    const svg = renderSvg(option, 600, 450);
    for (const text of [...input.categories, 'nominal', 'FGSM ε = 0.05', '0.710', '0.450', 'jet 17 (true b)', 'CMS']) assert.ok(svg.includes(text), `"${text}" in the SVG`);
    const y = (option.yAxis as Array<{ min: number; max: number }>)[0];
    // 0.71 plus 35 % head room is 0.96, rounded up to the next 0.2 tick.
    assert.deepEqual([y.min, y.max], [0, 1]);
    assert.deepEqual((option.series as Array<{ data: number[] }>).map((s) => s.data), input.series.map((s) => s.values));
  });

  it('goes over the wire to the exporter and draws the same figure there', () => {
    const option = barChart(input);
    const wired = fromWire(JSON.parse(JSON.stringify(toWire(option))));
    // Only the per-instance style class names of zrender differ between two renderings.
    const svg = (o: Record<string, unknown>) => renderSvg(o, 600, 450).replace(/zr\d+-cls-\d+/g, 'zr');
    assert.equal(svg(wired), svg(option));
  });

  it('refuses a series whose length differs from the categories', () => {
    assert.throws(() => barChart({ ...input, series: [{ label: 'short', values: [1, 2] }] }), /"short" has 2 values for 4 categories/);
  });
});
