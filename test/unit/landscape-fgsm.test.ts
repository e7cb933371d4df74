import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { rowsForRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { curvature } from '../../main/engine/landscape/curvature.ts';
import { projectOnPlane } from '../../main/engine/landscape/fgsm-step.ts';
import { computeLandscape } from '../../main/engine/landscape/run-landscape.ts';
import { applyStandardizer } from '../../main/engine/preprocess/standardize.ts';
import { loadRun } from '../../main/engine/store/run-model.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { assertClose, backend, tmpDir } from '../helpers.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, j) => s + v * b[j], 0);

describe('the FGSM step on a loss map', () => {
  before(backend);
  const data = generateJets({ jets: 2000, seed: 33 });
  const F = data.schema.features.length;
  const ws = tmpDir();
  let jet = 0;

  /**
   * The FGSM step of `jet` for `runName`, computed here from scratch: the gradient of -ln p_true by
   * autodiff of the network's logits, its sign times eps, zero where the input is an integer or sits at
   * its default value. Returned in the run's standardised units, with the loss after the step.
   */
  function independentStep(runName: string, eps: number): { delta: number[]; std: ArrayLike<number>; loss: number } {
    const run = loadRun(ws, runName);
    try {
      assert.equal(run.config.train.loss.name, 'crossentropy');
      const x = applyStandardizer(data.features, data.schema, run.standardizer, [jet]);
      const y = tf.cast(tf.oneHot(tf.tensor1d([data.labels[jet]], 'int32'), 4), 'float32');
      const nll = (xx: tf.Tensor) => tf.neg(tf.sum(tf.mul(tf.logSoftmax(run.model.logits(xx as tf.Tensor2D)), y)));
      const g = tf.tidy(() => tf.grad(nll)(tf.tensor2d(x, [1, F])).dataSync());
      const delta = data.schema.features.map((f, j) => {
        const raw = data.features[jet * F + j];
        const frozen = f.integer || raw === Math.fround(f.defaultValue);
        return frozen ? 0 : eps * Math.sign(g[j]);
      });
      const loss = tf.tidy(() => nll(tf.tensor2d(x.map((v, j) => v + delta[j]), [1, F])).dataSync()[0]);
      y.dispose();
      return { delta, std: run.standardizer.std, loss };
    } finally {
      run.model.dispose();
    }
  }

  before(async () => {
    await startTraining({ workspace: ws, name: 'nom', data, config: { epochs: 2, batchSize: 128, hidden: [32, 32] } });
    await startTraining({ workspace: ws, name: 'adv', data, config: { epochs: 2, batchSize: 128, hidden: [32, 32], adversarial: { attack: 'fgsm', eps: 0.1, fraction: 1, warmupEpochs: 0 } } });
    const run = loadRun(ws, 'nom');
    // A b jet with tracks, so several inputs are free and several frozen.
    jet = Array.from(rowsForRun(run, data).rows).find((r) => data.labels[r] === 0 && data.features[r * F + data.schema.features.findIndex((f) => f.name === 'trackSip2dSig_2')] !== -999)!;
    run.model.dispose();
  });

  it('along the FGSM axis the step lands at a = eps, b = 0, wholly in the plane', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jet, directions: ['fgsm', 'random'], span: 0.05, grid: 5 });
    const step = s.surfaces[0].fgsm_step!;
    assert.equal(step.eps, 0.05, 'eps defaults to the span');
    assert.equal(s.fgsm_eps, 0.05);
    const { delta } = independentStep('nom', 0.05);
    const [d1, d2] = s.directions.map((d) => d.vectors[0]);
    // The normalised axes are orthogonal, so the coordinates are dot products with d / |d|².
    assert.ok(Math.abs(dot(d1, d2)) < 1e-5);
    assertClose(step.a, dot(delta, d1) / dot(d1, d1), 1e-5, 'a');
    assertClose(step.b, dot(delta, d2) / dot(d2, d2), 1e-5, 'b');
    assertClose(step.a, 0.05, 1e-5, 'a = eps: the FGSM axis is the step itself');
    assertClose(step.in_plane, 1, 1e-5, 'in plane');
  });

  it('on orthonormal axes (l2) the coordinates are the dot products of the step with them, for each run\'s own step', async () => {
    const eps = 0.02;
    const s = await computeLandscape({ workspace: ws, runs: ['nom', 'adv'], data, jet, directions: ['gradient', 'random'], span: 0.1, grid: 5, normalisation: 'l2', fgsmEps: eps });
    const [d1, d2] = s.directions.map((d) => d.vectors[0]);
    assertClose(dot(d1, d1), 1, 1e-5, '|d1|');
    assertClose(dot(d2, d2), 1, 1e-5, '|d2|');
    const nom = independentStep('nom', eps);
    const adv = independentStep('adv', eps);
    // The adversarial run's step, carried to the nominal run's units (where the shared directions live).
    const advInNom = adv.delta.map((v, j) => (v * adv.std[j]) / nom.std[j]);
    for (const [k, delta, own] of [[0, nom.delta, nom], [1, advInNom, adv]] as const) {
      const step = s.surfaces[k].fgsm_step!;
      const a = dot(delta, d1);
      const b = dot(delta, d2);
      assertClose(step.a, a, 1e-4 * Math.abs(a) + 1e-6, `${s.surfaces[k].run} a`);
      assertClose(step.b, b, 1e-4 * Math.abs(b) + 1e-6, `${s.surfaces[k].run} b`);
      assertClose(step.in_plane, Math.hypot(a, b) / Math.hypot(...delta), 1e-4, 'in-plane fraction');
      assertClose(step.loss, own.loss, 1e-4 * own.loss, 'loss after the full step');
    }
    assert.notEqual(s.surfaces[0].fgsm_step!.a, s.surfaces[1].fgsm_step!.a, 'each run has its own step');
  });

  it('on skewed axes the projection leaves a residual orthogonal to both', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom'], data, jet, directions: ['gradient', 'trackSip2dSig_0'], span: 0.1, grid: 3, normalisation: 'l2', fgsmEps: 0.03 });
    const [d1, d2] = s.directions.map((d) => d.vectors[0]);
    assert.ok(Math.abs(dot(d1, d2)) > 0.01, 'the axes are not orthogonal');
    const { a, b } = s.surfaces[0].fgsm_step!;
    const { delta } = independentStep('nom', 0.03);
    const residual = delta.map((v, j) => v - a * d1[j] - b * d2[j]);
    assert.ok(Math.abs(dot(residual, d1)) < 1e-5 && Math.abs(dot(residual, d2)) < 1e-5, 'least-squares normal equations hold');
  });

  it('one direction, or two parallel ones, projects onto the first', () => {
    assert.deepEqual(projectOnPlane([3, 4], [1, 0], [0, 0]), { a: 3, b: 0, in_plane: 0.6 });
    assert.deepEqual(projectOnPlane([3, 4], [2, 0], [4, 0]), { a: 1.5, b: 0, in_plane: 0.6 });
  });

  it('averaged maps have no FGSM step; curvature on request equals curvature.ts on the same jets', async () => {
    const s = await computeLandscape({ workspace: ws, runs: ['nom', 'adv'], data, jets: 40, directions: ['fgsm', 'random'], span: 0.05, grid: 3, curvature: true, fgsmEps: 0.02 });
    assert.ok(s.surfaces.every((x) => x.fgsm_step === undefined));
    const direct = curvature({ workspace: ws, runs: ['nom', 'adv'], data, jets: 40, eps: 0.02 });
    assert.equal(s.curvature!.length, 2);
    s.curvature!.forEach((c, k) => {
      const { per_jet: _, ...summary } = direct[k];
      assert.deepEqual(c, summary);
      assert.equal(c.eps, 0.02);
    });
    const plain = await computeLandscape({ workspace: ws, runs: ['nom'], data, jets: 40, directions: ['fgsm', 'random'], span: 0.05, grid: 3 });
    assert.equal(plain.curvature, undefined, 'off unless asked');
  });
});
