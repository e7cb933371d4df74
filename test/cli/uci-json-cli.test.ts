import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { syntheticUciJets, writeUciJson } from '../fixtures-uci.ts';
import { tmpDir } from '../helpers.ts';
import { jsonOf, tagscape } from './run-cli.ts';

describe('tagscape on the UCI Jet Flavor dataset.json.gz', () => {
  const dir = tmpDir('tagscape-uci-cli-');
  const jets = syntheticUciJets({ jets: 400, seed: 11 });
  const data = path.join(dir, 'dataset.json.gz');
  writeUciJson(data, jets);

  it('inspect-data --json: jets, classes b/c/udsg, all 184 inputs found, repairs counted', () => {
    const r = jsonOf(tagscape('inspect-data', '--data', data, '--json'));
    assert.equal(r.format, 'uci-json');
    assert.equal(r.schema, 'uci');
    assert.equal(r.jets, 400);
    const count = (f: number) => jets.filter((j) => j.flavour === f).length;
    assert.deepEqual(r.classes, { b: count(5), c: count(4), udsg: count(0) });
    assert.equal(r.features_found, 184);
    assert.deepEqual(r.features_missing, []);
    assert.ok(r.nonfinite_replaced > 0, 'the fixture writes "NaN" and "-inf" strings');
    assert.ok(r.below_default_replaced > 0, 'and -1 markers');
    // Lower bound from the file alone: every empty track slot of a jet with fewer than six tracks is a default.
    const emptySlots = jets.reduce((s, j) => s + Math.max(0, 6 - j.tracks.length), 0);
    assert.ok(r.defaults_fraction >= (emptySlots * 28) / (400 * 184) && r.defaults_fraction < 1, `defaults_fraction ${r.defaults_fraction}`);
    assert.equal(r.selection, null);
  });

  it('train --epochs 1 on it, then evaluate: three classes, finite BvL AUC', () => {
    const ws = path.join(dir, 'ws');
    const t = jsonOf(tagscape('train', '--data', data, '--epochs', '1', '--seed', '1', '--workspace', ws, '--name', 'uci', '--hidden', '16,16', '--batch', '64', '--json'));
    assert.equal(t.status, 'complete');
    assert.equal(t.epochs_done, 1);
    const config = JSON.parse(fs.readFileSync(path.join(ws, 'runs', 'uci', 'config.json'), 'utf8'));
    assert.equal(config.schema, 'uci');
    assert.deepEqual(config.classes, ['b', 'c', 'udsg']);
    assert.equal(config.features.length, 184);
    assert.equal(config.model.outputs, 3);
    const e = jsonOf(tagscape('evaluate', '--workspace', ws, '--run', 'uci', '--data', data, '--json'));
    assert.equal(e.split, 'test');
    assert.deepEqual(Object.keys(e.class_counts).sort(), ['b', 'c', 'udsg']);
    assert.ok(Number.isFinite(e.auc.BvL) && e.auc.BvL >= 0 && e.auc.BvL <= 1, `BvL AUC ${e.auc.BvL}`);
  });

  it('a damaged file: one sentence naming it and the line, non-zero exit', () => {
    const cut = path.join(dir, 'cut.json.gz');
    fs.writeFileSync(cut, fs.readFileSync(data).subarray(0, 3000));
    const r = tagscape('inspect-data', '--data', cut, '--json');
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /cut.json.gz: the gzip data end early, after line \d+ \(the file is truncated\); copy or download it again\./);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '[1, 2, 3]\n');
    const b = tagscape('train', '--data', bad, '--epochs', '1', '--workspace', path.join(dir, 'ws2'), '--name', 'x', '--json');
    assert.notEqual(b.code, 0);
    // train notes its backend on stderr first; the error is the last line, with no stack trace.
    assert.match(b.stderr.trim().split('\n').at(-1)!, /^tagscape train: .*bad.json: line 1 \(jet 0\) is a list of 3, not a jet/);
    assert.doesNotMatch(b.stderr, /\n\s+at /);
  });
});
