import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { readExtraH5, readJetsH5 } from '../../main/engine/data/h5.ts';
import { tmpDir } from '../helpers.ts';
import { tagscapeJson as tagscape } from './run-cli.ts';


describe('attack, robustness, landscape and curvature from the command line', () => {
  const dir = tmpDir('tagscape-attack-');
  const data = path.join(dir, 'jets.h5');
  const ws = path.join(dir, 'ws');

  before(() => {
    tagscape('generate', '--jets', '2500', '--seed', '3', '--out', data, '--json');
    tagscape('train', '--data', data, '--epochs', '2', '--workspace', ws, '--name', 'nominal', '--hidden', '32,32', '--json');
    tagscape('train', '--data', data, '--epochs', '2', '--workspace', ws, '--name', 'adv', '--hidden', '32,32', '--adv', 'fgsm', '--eps', '0.05', '--json');
  });

  it('writes attacked jets whose frozen entries equal the input bit for bit, with source_index', async () => {
    const out = path.join(dir, 'adv.h5');
    const r = tagscape('attack', '--workspace', ws, '--run', 'nominal', '--data', data, '--attack', 'fgsm', '--eps', '0.05', '--json', '--out', out);
    assert.equal(r.mode, 'inference');
    assert.equal(r.jets, 500);
    assert.ok(r.moved_fraction > 0.9, `moved ${r.moved_fraction}`);
    assert.ok(r.auc_attacked.BvL < r.auc_clean.BvL, 'the attack costs AUC');
    assert.ok(r.input_shifts.length > 0 && 'js' in r.input_shifts[0] && 'kl' in r.input_shifts[0]);
    const input = await readJetsH5(data);
    const attacked = await readJetsH5(out);
    const source = (await readExtraH5(out, 'source_index'))!;
    assert.equal(attacked.n, 500);
    const F = 67;
    const integer = input.schema.features.map((f) => f.integer);
    const defaults = input.schema.features.map((f) => Math.fround(f.defaultValue));
    let frozen = 0;
    for (let k = 0; k < attacked.n; k++) {
      const i = source[k];
      assert.equal(attacked.labels[k], input.labels[i]);
      for (let j = 0; j < F; j++) {
        const x = input.features[i * F + j];
        if (integer[j] || x === defaults[j]) {
          assert.ok(Object.is(attacked.features[k * F + j], x), `jet ${i} ${input.schema.features[j].name} changed`);
          frozen++;
        }
      }
    }
    assert.ok(frozen > 0);
  });

  it('transfers an attack generated with another run', () => {
    const r = tagscape('attack', '--workspace', ws, '--run', 'adv', '--attack-run', 'nominal', '--data', data, '--attack', 'ngm', '--eps', '0.5', '--json');
    assert.equal(r.transfer, true);
    assert.equal(r.attack_run, 'nominal');
  });

  it('prints one row per run, attack and eps, and the worst case', () => {
    const r = tagscape('robustness', '--workspace', ws, '--run', 'nominal', '--run', 'adv', '--data', data, '--attacks', 'fgsm,pgd,noise', '--eps', '0,0.01,0.05', '--json', '--steps', '3');
    assert.equal(r.results.length, 2 * 3 * 3);
    for (const row of r.results) {
      assert.deepEqual(Object.keys(row.auc).sort(), ['BvC', 'BvL', 'CvB', 'CvL']);
      assert.ok(['nominal', 'adv'].includes(row.run));
    }
    assert.equal(r.worst_case.length, 2 * 3);
    assert.ok(['wasm', 'cpu', 'tensorflow'].includes(r.backend));
  });

  it('writes a per-jet surface along two features and an averaged surface along gradient and random directions', () => {
    const surf = path.join(dir, 'surf.json');
    const s = tagscape('landscape', '--workspace', ws, '--run', 'nominal', '--data', data, '--jet', '1', '--features', 'jet_pt,jet_eta', '--span', '1', '--grid', '11', '--json', '--out', surf);
    assert.deepEqual(s.axes.map((a: { name: string }) => a.name), ['jet_pt', 'jet_eta']);
    assert.equal(s.loss.length, 11);
    assert.equal(s.loss[5][5], s.center_loss);
    assert.equal(s.axes[0].physical.unit, 'GeV');
    assert.deepEqual(JSON.parse(fs.readFileSync(surf, 'utf8')).loss, s.loss);
    const avg = tagscape('landscape', '--workspace', ws, '--run', 'nominal', '--run', 'adv', '--data', data, '--jets', '50', '--directions', 'gradient,random', '--span', '0.05', '--grid', '7', '--json');
    assert.equal(avg.jets.length, 50);
    assert.equal(avg.surfaces.length, 2);
  });

  it('reports curvature per run', () => {
    const c = tagscape('curvature', '--workspace', ws, '--run', 'nominal', '--run', 'adv', '--data', data, '--jets', '40', '--json', '--power-steps', '5');
    assert.deepEqual(c.results.map((r: { run: string }) => r.run), ['nominal', 'adv']);
    for (const r of c.results) for (const k of ['grad_norm_mean', 'hessian_top_eig_mean', 'loss_range_mean']) assert.ok(Number.isFinite(r[k]), k);
  });
});
