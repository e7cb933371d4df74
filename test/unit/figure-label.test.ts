import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataSpecLabel, figureLabel, titleGraphics, DEFAULT_SIZE } from '../../shared/charts/style.ts';
import { labelData } from '../../main/engine/export/label-data.ts';

/** The label's texts as drawn, in order. */
const drawn = (l: ReturnType<typeof figureLabel>) => (titleGraphics(l, DEFAULT_SIZE) as Array<{ style: { text: string } }>).map((g) => g.style.text);

describe('experiment label rule', () => {
  it('synthetic jets by default: neutral label, no experiment, no sqrt(s)', () => {
    const texts = drawn(figureLabel({}, { synthetic: true }));
    assert.deepEqual(texts, ['Tagscape', 'synthetic jets']);
    assert.ok(!texts.some((t) => /CMS|ATLAS|TeV/.test(t)));
  });

  it('a file of unknown origin by default: "Private work", no experiment', () => {
    assert.deepEqual(drawn(figureLabel({}, { synthetic: false })), ['Tagscape', 'Private work']);
  });

  it('an experiment\'s own data get its label', () => {
    assert.deepEqual(drawn(figureLabel({}, { synthetic: false, experiment: 'cms' })), ['CMS', 'Simulation', '(13 TeV)']);
    assert.deepEqual(drawn(figureLabel({}, { synthetic: false, experiment: 'atlas' })), ['ATLAS', 'Simulation Internal', '(13 TeV)']);
  });

  it('an explicit style or status asks for the experiment label, even on synthetic jets', () => {
    assert.deepEqual(drawn(figureLabel({ style: 'cms', status: 'Simulation Preliminary' }, { synthetic: true })), ['CMS', 'Simulation Preliminary', '(13 TeV)']);
    assert.deepEqual(drawn(figureLabel({ style: 'atlas' }, { synthetic: true }))[0], 'ATLAS');
    assert.deepEqual(drawn(figureLabel({ status: 'Private work (CMS simulation)' }, { synthetic: true })), ['CMS', 'Private work (CMS simulation)', '(13 TeV)']);
  });

  it('style plain draws no experiment label but keeps the sample lines', () => {
    assert.deepEqual(drawn(figureLabel({ style: 'plain', lines: ['20,000 jets'] }, { synthetic: true, experiment: 'cms' })), ['20,000 jets']);
  });

  it('a neutral label shows sqrt(s) or a right label only when given', () => {
    assert.deepEqual(drawn(figureLabel({ sqrtS: 14 }, { synthetic: true })), ['Tagscape', 'synthetic jets', '(14 TeV)']);
    assert.deepEqual(drawn(figureLabel({ right: 'toy study', lines: ['a'] }, { synthetic: true })), ['Tagscape', 'synthetic jets', 'toy study', 'a']);
  });
});

describe('labels of figures drawn in the window', () => {
  it('a data spec as typed: synthetic:N is synthetic, a file is private work, and the lines are kept', () => {
    assert.deepEqual(drawn(dataSpecLabel('synthetic:20000', ['run a'])), ['Tagscape', 'synthetic jets', 'run a']);
    assert.deepEqual(drawn(dataSpecLabel('/data/jets.h5', ['run a'])).slice(0, 2), ['Tagscape', 'Private work']);
  });

  it('without data, the jets are those the first run was trained on', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-label-'));
    const config = (name: string, kind: string) => {
      fs.mkdirSync(path.join(ws, 'runs', name), { recursive: true });
      fs.writeFileSync(path.join(ws, 'runs', name, 'config.json'), JSON.stringify({ data: { kind } }));
    };
    config('gen', 'synthetic');
    config('file', 'h5');
    assert.deepEqual(labelData(ws, ['gen', 'file']), { synthetic: true });
    assert.deepEqual(labelData(ws, ['file', 'gen']), { synthetic: false });
    assert.deepEqual(labelData(ws, []), { synthetic: false });
    fs.rmSync(ws, { recursive: true, force: true });
  });
});
