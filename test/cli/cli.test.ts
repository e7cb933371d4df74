import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tmpDir } from '../helpers.ts';
import { jsonOf as json, tagscape } from './run-cli.ts';


/** AUC from a scores.csv, independently: Mann–Whitney over all signal/background pairs (ties count 1/2). */
function aucFromCsv(csv: string, column: string, signal: string[], background: string[]): number {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = header.split(',');
  const iLabel = cols.indexOf('label');
  const iScore = cols.indexOf(column);
  const s: number[] = [];
  const b: number[] = [];
  for (const l of lines) {
    const c = l.split(',');
    if (signal.includes(c[iLabel])) s.push(Number(c[iScore]));
    else if (background.includes(c[iLabel])) b.push(Number(c[iScore]));
  }
  let wins = 0;
  for (const x of s) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (s.length * b.length);
}

describe('tagscape command line', () => {
  const dir = tmpDir('tagscape-cli-');
  const data = path.join(dir, 'jets.h5');
  const ws = path.join(dir, 'ws');

  it('lists its commands', () => {
    const r = tagscape('--help');
    assert.equal(r.code, 0);
    for (const c of ['generate', 'train', 'evaluate', 'runs']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
  });

  it('generates, trains, evaluates and lists a run; the printed AUCs equal those recomputed from scores.csv', () => {
    const g = json(tagscape('generate', '--jets', '3000', '--seed', '1', '--out', data, '--json'));
    assert.equal(g.jets, 3000);
    assert.ok(fs.existsSync(data));

    const t = json(tagscape('train', '--data', data, '--epochs', '2', '--seed', '1', '--workspace', ws, '--name', 'nominal', '--json', '--hidden', '64,64'));
    assert.equal(t.status, 'complete');
    assert.equal(t.epochs_done, 2);
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(t.backend));

    const scores = path.join(dir, 'scores.csv');
    const e = json(tagscape('evaluate', '--workspace', ws, '--run', 'nominal', '--data', data, '--json', '--scores-out', scores));
    assert.equal(e.run, 'nominal');
    assert.equal(e.split, 'test');
    assert.equal(e.jets, 600);
    const csv = fs.readFileSync(scores, 'utf8');
    assert.equal(csv.split('\n')[0], 'jet,label,p_b,p_bb,p_c,p_udsg,BvL,BvC,CvB,CvL,weight');
    assert.equal(csv.trim().split('\n').length, 601);
    const defs: Record<string, [string[], string[]]> = {
      BvL: [['b', 'bb'], ['udsg']], BvC: [['b', 'bb'], ['c']], CvB: [['c'], ['b', 'bb']], CvL: [['c'], ['udsg']],
    };
    for (const [name, [sig, bkg]] of Object.entries(defs)) {
      const independent = aucFromCsv(csv, name, sig, bkg);
      assert.ok(Math.abs(e.auc[name] - independent) < 1e-3, `${name}: printed ${e.auc[name]}, from CSV ${independent}`);
    }
    assert.ok(e.auc.BvL > 0.6, `BvL AUC after 2 epochs on 2160 jets: ${e.auc.BvL}`);

    const runs = json(tagscape('runs', '--workspace', ws, '--json'));
    assert.deepEqual(runs.runs.map((r: { name: string }) => r.name), ['nominal']);
    assert.equal(runs.runs[0].status, 'complete');
    assert.equal(runs.runs[0].epochs_done, 2);

    const resumed = json(tagscape('train', '--workspace', ws, '--name', 'nominal', '--resume', '--epochs', '3', '--json'));
    assert.equal(resumed.epochs_done, 3);
    assert.equal(json(tagscape('runs', '--workspace', ws, '--json')).runs[0].epochs_done, 3);
  });

  it('keeps stdout pure JSON with --json', () => {
    const r = tagscape('runs', '--workspace', ws, '--json');
    assert.doesNotThrow(() => JSON.parse(r.stdout));
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });

  it('answers bad input with one sentence and a non-zero exit', () => {
    const cases: Array<[string[], RegExp]> = [
      [['evaluate', '--workspace', ws, '--run', 'nope', '--data', data, '--json'], /No run "nope"/],
      [['evaluate', '--workspace', ws, '--run', 'nominal', '--data', path.join(dir, 'missing.h5')], /missing\.h5: no such file/],
      [['train', '--data', 'synthetic:abc', '--workspace', ws, '--name', 'x'], /not a synthetic data spec/],
      [['train', '--data', data, '--workspace', ws, '--name', 'bad/name'], /Run name "bad\/name" is not allowed/],
      [['train', '--data', data, '--workspace', ws, '--name', 'y', '--epochs', 'many'], /--epochs must be an integer/],
      [['generate', '--jets', '10', '--out', path.join(dir, 'x.h5'), '--bogus'], /Unknown option '--bogus'/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['robustness', '--workspace', ws, '--run', 'nominal', '--data', 'synthetic:2000000000', '--attacks', 'fgsm', '--eps', '0.1'], /a robustness scan needs every jet in memory, and these [\d.]+ GB of generated jets are more than/],
    ];
    for (const [args, message] of cases) {
      const r = tagscape(...args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message);
      assert.ok(r.stderr.trim().split('\n').filter((l) => !l.startsWith('backend:')).length <= 2, `short error for ${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('trains on generated data with --data synthetic:N', () => {
    const t = json(tagscape('train', '--data', 'synthetic:800', '--epochs', '1', '--workspace', ws, '--name', 'synth', '--json', '--hidden', '16'));
    assert.equal(t.status, 'complete');
    const e = json(tagscape('evaluate', '--workspace', ws, '--run', 'synth', '--data', 'synthetic:800', '--json'));
    assert.equal(e.split, 'test', 'the same synthetic spec is the same data');
  });
});

describe('tagscape bench', () => {
  it('prints the peer\'s keys for a small run', () => {
    const out = json(tagscape('bench', '--jets', '2048', '--epochs', '1', '--grid', '5', '--surface-jets', '50', '--json'));
    for (const k of ['train_nominal_jets_per_s', 'train_fgsm_jets_per_s', 'fgsm_attack_jets_per_s', 'surface_points_per_s', 'backend', 'peak_rss_mb']) assert.ok(k in out, k);
    assert.ok(out.train_nominal_jets_per_s > 0 && out.surface_points_per_s > 0);
  });
});
