import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { curvature } from '../../main/engine/landscape/curvature.ts';
import { gradients, hessianVector, principalAxes, topHessianEigen } from '../../main/engine/landscape/directions.ts';
import { symmetricEigen } from '../../main/engine/landscape/linalg.ts';
import { computeLandscape, surfaceCsv } from '../../main/engine/landscape/run-landscape.ts';
import { offsets } from '../../main/engine/landscape/surface.ts';
import { memorySource, rowRanges, type JetSource } from '../../main/engine/data/source.ts';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { Rng } from '../../main/engine/rng.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import type { FeatureSchema } from '../../shared/schema/types.ts';
import { assertClose, backend, tmpDir } from '../helpers.ts';

describe('linear algebra', () => {
  it('Jacobi eigen-decomposition of a known symmetric matrix', () => {
    // [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/sqrt2 and (1,-1)/sqrt2
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    assertClose(values[0], 3, 1e-12, 'largest');
    assertClose(values[1], 1, 1e-12, 'smallest');
    assertClose(Math.abs(vectors[0][0]), Math.SQRT1_2, 1e-9, 'eigenvector');
    assertClose(vectors[0][0] * vectors[0][1], 0.5, 1e-9, 'same sign');
  });

  it('principal axes find the correlated direction', () => {
    const schema = { features: [0, 1, 2].map((i) => ({ name: `f${i}`, integer: false, defaultValue: NaN })) } as unknown as FeatureSchema;
    const rng = new Rng(3);
    const n = 5000;
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const t = rng.normal(0, 2);
      x[i * 3] = t + rng.normal(0, 0.1);
      x[i * 3 + 1] = -t + rng.normal(0, 0.1);
      x[i * 3 + 2] = rng.normal(0, 0.5);
    }
    const pc = principalAxes(x, new Uint8Array(n * 3), schema);
    assertClose(Math.abs(pc.vectors[0][0]), Math.SQRT1_2, 0.01, 'pc1 x');
    assert.ok(pc.vectors[0][0] * pc.vectors[0][1] < 0, 'anti-correlated');
    assertClose(pc.values[0], 8, 0.5, 'variance along pc1');
  });
});

describe('loss surfaces and curvature', () => {
  before(backend);
  const data = generateJets({ jets: 2000, seed: 21 });
  const ws = tmpDir();

  before(async () => {
    await startTraining({ workspace: ws, name: 'nom', data, config: { epochs: 3, batchSize: 128, hidden: [32, 32] } });
    await startTraining({ workspace: ws, name: 'adv', data, config: { epochs: 3, batchSize: 128, hidden: [32, 32], adversarial: { attack: 'fgsm', eps: 0.1, fraction: 1, warmupEpochs: 0 } } });
  });

  it('the centre of a per-jet surface is that jet\'s -ln p_true as evaluate computes it', async () => {
    const ev = evaluateRun(ws, 'nom', data);
    const k = 7;
    const jet = ev.rows[k];
    const expected = -Math.log(ev.probs[k * 4 + ev.labels[k]]);
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jet, directions: ['trackSip2dSig_0', 'jet_pt'], span: 1, grid: 11 });
    assert.ok(Math.abs(s.center_loss - expected) <= 1e-4 * expected, `centre ${s.center_loss} vs ${expected}`);
    assert.equal(s.loss.length, 11);
    assert.equal(s.loss[0].length, 11);
    assert.equal(s.axes[0].physical!.meaning, 'value');
    const j = data.schema.features.findIndex((f) => f.name === 'trackSip2dSig_0');
    assertClose(s.axes[0].physical!.values[5], data.features[jet * 67 + j], 1e-4, 'physical centre is the jet\'s own value');
  });

  it('the averaged surface rises along +gradient, and its 1D slope at 0 equals <grad . d>', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jets: 300, directions: ['gradient'], span: 0.02, grid: 5, normalisation: 'l2' });
    const profile = s.loss.map((r) => r[0]);
    assert.ok(profile[4] > profile[2] && profile[2] > profile[0], `profile ${profile}`);
    // Finite-difference slope vs the analytic directional derivative: mean over jets of g_i . d_i.
    const h = s.axes[0].offsets[3];
    const slope = (profile[3] - profile[1]) / (2 * h);
    const F = 67;
    const d = s.directions[0].vectors;
    const x = await import('../../main/engine/preprocess/standardize.ts');
    const { loadRun } = await import('../../main/engine/store/run-model.ts');
    const run = loadRun(ws, 'nom');
    const xs = x.applyStandardizer(data.features, data.schema, run.standardizer, s.jets);
    const g = gradients(run.model, run.config.train.loss, xs, Int32Array.from(s.jets, (i) => data.labels[i]));
    run.model.dispose();
    let mean = 0;
    s.jets.forEach((_, i) => {
      for (let j = 0; j < F; j++) mean += g[i * F + j] * d[i][j];
    });
    mean /= s.jets.length;
    assert.ok(Math.abs(slope - mean) < 0.02 * Math.abs(mean), `slope ${slope} vs <g.d> ${mean}`);
  });

  it('shares directions across runs and records everything needed to regenerate the surface', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom', 'adv'], data, jets: 50, directions: ['fgsm', 'random'], span: 0.05, grid: 9, seed: 4 });
    assert.deepEqual(s.surfaces.map((x) => x.run), ['nom', 'adv']);
    assert.equal(s.directions_from_run, 'nom');
    assert.equal(s.directions.length, 2);
    assert.equal(s.directions[0].vectors.length, 50);
    const [d1, d2] = s.directions.map((d) => d.vectors);
    for (let i = 0; i < 50; i++) {
      assert.ok(Math.abs(d1[i].reduce((a, v, j) => a + v * d2[i][j], 0)) < 1e-4, 'random axis orthogonal to the FGSM axis');
      assert.ok(Math.max(...d1[i].map(Math.abs)) <= 1 + 1e-6, 'linf-normalised');
    }
    const again = await computeLandscape({ workspace: ws, runs: ['nom', 'adv'], data, jets: 50, directions: ['fgsm', 'random'], span: 0.05, grid: 9, seed: 4 });
    assert.deepEqual(again.surfaces, s.surfaces, 'bit-for-bit reproducible');
    assert.equal(surfaceCsv(s).trim().split('\n').length, 1 + 2 * 81);
    for (const k of ['normalisation', 'seed', 'grid', 'span', 'feature_names', 'feature_units', 'loss_definition', 'jets', 'data']) assert.ok(k in s, k);
  });

  it('refuses a feature direction that is frozen for the chosen jet', async () => {
    const F = 67;
    const name = 'trackSip2dSig_5';
    const j = data.schema.features.findIndex((f) => f.name === name);
    const jetWithout = [...Array(data.n).keys()].find((i) => data.features[i * F + j] === -999)!;
    assert.ok(jetWithout !== undefined);
    await assert.rejects(computeLandscape({ workspace: ws, runs: ['nom'], data, jet: jetWithout, directions: [name, 'jet_pt'] }), /is frozen for jet/);
  });

  it('Hessian-vector products equal W S W^T v for a linear softmax model (S = diag p - p p^T)', () => {
    const model = new Mlp({ inputs: 3, outputs: 3, hidden: [], dropout: 0 }, 5);
    const x = Float32Array.from([0.5, -0.3, 1.1]);
    const v = Float32Array.from([0.2, 1.0, -0.7]);
    const [W, b] = model.getWeights();
    const z = [0, 1, 2].map((c) => b[c] + x.reduce((a, xj, j) => a + xj * W[j * 3 + c], 0));
    const e = z.map((t) => Math.exp(t - Math.max(...z)));
    const p = e.map((t) => t / e.reduce((a, q) => a + q, 0));
    const Wtv = [0, 1, 2].map((c) => v.reduce((a, vj, j) => a + vj * W[j * 3 + c], 0));
    const SWtv = [0, 1, 2].map((c) => p[c] * Wtv[c] - p[c] * p.reduce((a, pk, k) => a + pk * Wtv[k], 0));
    const expected = [0, 1, 2].map((j) => [0, 1, 2].reduce((a, c) => a + W[j * 3 + c] * SWtv[c], 0));
    const got = hessianVector(model, { name: 'crossentropy', gamma: 0 }, x, Int32Array.of(1), v);
    expected.forEach((h, j) => assertClose(got[j], h, 1e-4 * Math.max(1, Math.abs(h)), `component ${j}`));
    model.dispose();
  });

  it('two random axes are independent, not the same vector', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jets: 5, directions: ['random', 'random'], span: 0.01, grid: 3, normalisation: 'l2' });
    const [a, b] = s.directions.map((d) => d.vectors[0]);
    assertClose(Math.hypot(...b), 1, 1e-5, 'second axis has unit length');
    assert.ok(Math.abs(a.reduce((t, v, j) => t + v * b[j], 0)) < 1e-5, 'orthogonal');
  });

  it('power iteration finds the top eigenvalue of the input Hessian', () => {
    const model = new Mlp({ inputs: 4, outputs: 3, hidden: [8], dropout: 0 }, 2);
    const schema = { features: [0, 1, 2, 3].map((i) => ({ name: `f${i}`, integer: false, defaultValue: NaN })) } as unknown as FeatureSchema;
    const x = Float32Array.from([0.3, -1.2, 0.8, 0.1]);
    const labels = Int32Array.of(1);
    const ce = { name: 'crossentropy' as const, gamma: 0 };
    // Full Hessian column by column from Hessian-vector products with basis vectors.
    const H = new Float64Array(16);
    for (let j = 0; j < 4; j++) {
      const e = new Float32Array(4);
      e[j] = 1;
      const col = hessianVector(model, ce, x, labels, e);
      for (let i = 0; i < 4; i++) H[i * 4 + j] = col[i];
    }
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) H[i * 4 + j] = H[j * 4 + i] = (H[i * 4 + j] + H[j * 4 + i]) / 2;
    const exact = symmetricEigen(H, 4).values.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
    const power = topHessianEigen({ model, loss: ce, schema, x, labels, frozen: new Uint8Array(4), normalisation: 'l2', seed: 1, powerSteps: 60 });
    assertClose(power.values[0], exact, 1e-3 * Math.abs(exact) + 1e-5, 'top eigenvalue');
    model.dispose();
  });

  it('measures gradient norms, Hessian eigenvalues and loss ranges per run and class, without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const r = curvature({ workspace: ws, runs: ['nom', 'adv'], data, jets: 100, eps: 0.05, powerSteps: 10 });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(r.length, 2);
    for (const x of r) {
      assert.equal(x.jets, 100);
      assert.ok(x.grad_norm_mean > 0 && x.loss_range_mean > 0);
      assert.ok(x.per_jet.loss_range.every((v) => v >= -1e-6), 'ascent ends above descent');
      assert.ok(Object.keys(x.per_class).length >= 3);
    }
    assert.deepEqual(r[0].per_jet.rows, r[1].per_jet.rows, 'same jets for both runs');
  });

  it('offsets put 0 exactly on odd grids and cap the grid at 501 (the paper\'s 500 x 500 maps fit)', () => {
    assert.deepEqual(offsets(1, 5), [-1, -0.5, 0, 0.5, 1]);
    assert.equal(offsets(0.5, 500).length, 500);
    assert.equal(offsets(0.5, 501)[250], 0);
    assert.throws(() => offsets(1, 502), /1 to 501 points/);
  });

  it('computes a paper-size per-jet map, 501 x 501 over a total width of 0.01 sigma, with physical axes', async () => {
    const ev = evaluateRun(ws, 'nom', data);
    const jet = ev.rows[3];
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jet, directions: ['trackSip2dSig_0', 'trackSip3dSig_0'], span: 0.005, grid: 501 });
    assert.equal(s.loss.length, 501);
    assert.ok(s.loss.every((row) => row.length === 501 && row.every(Number.isFinite)), 'every point computed');
    const expected = -Math.log(ev.probs[3 * 4 + ev.labels[3]]);
    assert.ok(Math.abs(s.loss[250][250] - expected) <= 1e-4 * expected, `centre ${s.loss[250][250]} vs ${expected}`);
    // Physical axes: the jet's own value in the middle, one training sigma per unit offset around it.
    const j = data.schema.features.findIndex((f) => f.name === 'trackSip2dSig_0');
    const phys = s.axes[0].physical!.values;
    assertClose(phys[250], data.features[jet * 67 + j], 1e-4, 'physical centre');
    assert.ok(phys[500] > phys[250] && phys[250] > phys[0], 'physical values increase along the axis');
    assertClose(s.axes[0].offsets[500] - s.axes[0].offsets[0], 0.01, 1e-9, 'total width 0.01 sigma');
  });

  it('reads only the scanned jets of a source, and gives the surface of the data loaded whole', async () => {
    const read: number[] = [];
    const mem = memorySource(data);
    // A source read 100 rows at a time that records every row it hands out.
    const src: JetSource = { ...mem, inMemory: false, blocks: () => rowRanges(0, data.n, 100), readRows: async (s, e) => (read.push(e - s), mem.readRows(s, e)) };
    const req = { workspace: ws, runs: ['nom', 'adv'], jets: 40, className: 'b', directions: ['gradient', 'random'], span: 0.1, grid: 5, curvature: true };
    const { seconds: _a, ...fromSource } = await computeLandscape({ ...req, data: src });
    const { seconds: _b, ...whole } = await computeLandscape({ ...req, data });
    assert.deepEqual(fromSource, whole);
    const rowsRead = read.reduce((a, b) => a + b, 0);
    assert.ok(rowsRead < data.n / 2, `read ${rowsRead} of ${data.n} rows for 40 jets`);
  });
});
