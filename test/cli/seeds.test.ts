import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { tmpDir } from '../helpers.ts';
import { tagscape as run, tagscapeJson as tagscape } from './run-cli.ts';

describe('seed groups on the command line', () => {
  const dir = tmpDir('tagscape-seeds-');
  const ws = path.join(dir, 'ws');
  const data = 'synthetic:1500';
  let trained: Record<string, any>;

  before(() => {
    trained = tagscape('train', '--data', data, '--epochs', '1', '--seeds', '3', '--workspace', ws, '--name', 'nom', '--hidden', '16,16', '--json');
    tagscape('train', '--data', data, '--epochs', '1', '--seeds', '1,2,7', '--workspace', ws, '--name', 'adv', '--hidden', '16,16', '--adv', 'fgsm', '--eps', '0.01', '--json');
  });

  it('train --seeds writes one run per seed and reports the mean and sample sd of their test AUCs', () => {
    assert.deepEqual(trained.runs.map((r: { run: string }) => r.run), ['nom-s1', 'nom-s2', 'nom-s3']);
    const v = trained.runs.map((r: { test_auc: { BvL: number } }) => r.test_auc.BvL);
    const mean = v.reduce((s: number, x: number) => s + x, 0) / 3;
    const sd = Math.sqrt(v.reduce((s: number, x: number) => s + (x - mean) ** 2, 0) / 2);
    assert.ok(Math.abs(trained.test_auc.BvL.mean - mean) < 1e-12);
    assert.ok(Math.abs(trained.test_auc.BvL.sd - sd) < 1e-12);
    // Different seeds give different networks.
    assert.ok(new Set(v).size > 1, `AUCs ${v}`);
    assert.ok(fs.existsSync(path.join(ws, 'runs', 'adv-s7', 'config.json')));
  });

  it('train refuses --seed with --seeds, and a bad list, in one sentence', () => {
    const both = run('train', '--data', data, '--seed', '2', '--seeds', '3', '--workspace', ws, '--name', 'x');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
    const bad = run('train', '--data', data, '--seeds', '1,one', '--workspace', ws, '--name', 'x');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--seeds must be/);
  });

  it('robustness and curvature take group names and aggregate over the seeds', () => {
    const r = tagscape('robustness', '--workspace', ws, '--run', 'nom', '--run', 'adv', '--data', data, '--attacks', 'fgsm', '--eps', '0,0.05', '--json');
    assert.equal(new Set(r.results.map((x: { run: string }) => x.run)).size, 6);
    const g = r.seed_groups.find((x: { group: string; eps: number }) => x.group === 'adv' && x.eps === 0.05);
    assert.deepEqual(g.seeds, [1, 2, 7]);
    const per = r.results.filter((x: { run: string; eps: number }) => x.run.startsWith('adv-') && x.eps === 0.05).map((x: { auc: { BvL: number } }) => x.auc.BvL);
    assert.ok(Math.abs(g.auc.BvL.mean - per.reduce((s: number, x: number) => s + x, 0) / 3) < 1e-12);
    const c = tagscape('curvature', '--workspace', ws, '--run', 'nom', '--data', data, '--jets', '30', '--power-steps', '3', '--json');
    assert.equal(c.results.length, 3);
    assert.equal(c.seed_groups[0].group, 'nom');
    assert.equal(c.seed_groups[0].values.grad_norm_mean.n, 3);
  });

  it('export draws the robustness of a seed group as bands, with a neutral label by default', () => {
    const out = path.join(dir, 'rob.svg');
    tagscape('export', '--workspace', ws, '--run', 'nom', '--run', 'adv', '--data', data, '--plot', 'robustness', '--attacks', 'fgsm', '--eps-list', '0,0.05', '--format', 'svg', '--out', out, '--json');
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /nom, FGSM \(3 seeds\)/);
    assert.match(svg, /mean over seeds, ±1 sd band \(FGSM\)/);
    assert.match(svg, />Tagscape</);
    assert.doesNotMatch(svg, />CMS<|TeV/);
    // The bands are filled areas: path elements with a fill opacity below 1.
    assert.ok((svg.match(/fill-opacity="0\.2\d*"/g) ?? []).length >= 2, 'two shaded bands');
  });
});
