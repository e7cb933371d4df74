import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { contourSegments } from '../../shared/charts/heatmap.ts';
import { formatTick } from '../../shared/charts/style.ts';
import { SHARED_DATA, SHARED_SKIP, tmpDir } from '../helpers.ts';
import { tagscapeJson as tagscape } from './run-cli.ts';


const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

function pngWidth(file: string): number {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('ascii', 1, 4), 'PNG');
  return b.readUInt32BE(16);
}

describe('publication figures', () => {
  const dir = tmpDir('tagscape-export-');
  const data = path.join(dir, 'jets.h5');
  const ws = path.join(dir, 'ws');
  const common = () => ['--workspace', ws, '--run', 'nominal', '--run', 'adv', '--data', data, '--plot', 'roc', '--discriminant', 'BvL', '--style', 'cms', '--json'];

  before(() => {
    tagscape('generate', '--jets', '2500', '--seed', '5', '--out', data, '--json');
    tagscape('train', '--data', data, '--epochs', '2', '--workspace', ws, '--name', 'nominal', '--hidden', '32,32', '--json');
    tagscape('train', '--data', data, '--epochs', '2', '--workspace', ws, '--name', 'adv', '--hidden', '32,32', '--adv', 'fgsm', '--eps', '0.1', '--json');
  });

  it('writes a vector ROC PDF with extractable label, axis titles and log tick labels, and no raster image', () => {
    const pdf = path.join(dir, 'roc.pdf');
    const r = tagscape('export', ...common(), '--format', 'pdf', '--out', pdf);
    assert.equal(r.format, 'pdf');
    const bytes = fs.readFileSync(pdf);
    assert.equal(bytes.toString('ascii', 0, 5), '%PDF-');
    assert.doesNotMatch(bytes.toString('latin1'), /\/Subtype\s*\/Image/, 'no raster image inside');
    if (!hasPdftotext) return void console.log('# pdftotext not installed (apt-get install poppler-utils): text extraction not checked');
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout;
    for (const s of ['CMS', 'Simulation', 'b-jet efficiency', 'light-flavour-jet mistag rate', '0.001', '0.01', '0.1', '10%', '1%']) assert.ok(text.includes(s), `PDF text lacks "${s}"`);
  });

  it('writes SVG with text elements and a 300 dpi PNG at least 1500 px wide', () => {
    const svg = path.join(dir, 'roc.svg');
    tagscape('export', ...common(), '--format', 'svg', '--out', svg);
    const s = fs.readFileSync(svg, 'utf8');
    assert.ok((s.match(/<text/g) ?? []).length > 10, 'text as <text>');
    assert.match(s, />CMS</);
    const png = path.join(dir, 'roc.png');
    tagscape('export', ...common(), '--format', 'png', '--dpi', '300', '--out', png);
    assert.ok(pngWidth(png) >= 1500, `width ${pngWidth(png)}`);
  });

  it('draws every figure kind in ATLAS and plain styles too', () => {
    for (const plot of ['robustness', 'shapes', 'inputs', 'history', 'landscape', 'landscape3d', 'inspect', 'curvature']) {
      const out = path.join(dir, `${plot}.svg`);
      const r = tagscape('export', '--workspace', ws, '--run', 'nominal', '--run', 'adv', '--data', data, '--plot', plot, '--format', 'svg', '--style', plot === 'shapes' ? 'atlas' : 'plain', '--out', out, '--json', '--jets', '40', '--grid', '9', '--eps-list', '0,0.05', '--attacks', 'fgsm');
      assert.ok(r.bytes > 1000, plot);
      assert.match(fs.readFileSync(out, 'utf8'), /<svg/);
    }
    const atlas = path.join(dir, 'roc-atlas.svg');
    tagscape('export', ...common().map((a) => (a === 'cms' ? 'atlas' : a)), '--format', 'svg', '--out', atlas);
    assert.match(fs.readFileSync(atlas, 'utf8'), /rejection/);
  });

  it('plots CMS\'s own DeepCSV ROC on real NanoAOD jets', { skip: SHARED_SKIP }, () => {
    const out = path.join(dir, 'cms-roc.svg');
    const file = path.join(SHARED_DATA, 'root', 'cms_nano_2017mc_884jets.root');
    tagscape('export', '--data', file, '--external', 'Jet_btagDeepB', '--plot', 'roc', '--format', 'svg', '--out', out, '--json');
    assert.match(fs.readFileSync(out, 'utf8'), /Jet_btagDeepB \(AUC 0\.9\d\d\)/);
  });

  it('runs the quick study with three seeds: figures, report with the headline verdict, no experiment label', () => {
    const out = path.join(dir, 'study');
    const r = tagscape('study', '--quick', '--data', 'synthetic:1500', '--out', out, '--json');
    const pdfs = fs.readdirSync(path.join(out, 'figures')).filter((f) => f.endsWith('.pdf'));
    assert.ok(pdfs.length >= 6, `${pdfs.length} PDFs`);
    assert.deepEqual(Object.keys(r.evaluation), ['nominal-s1', 'adversarial-s1', 'nominal-s2', 'adversarial-s2', 'nominal-s3', 'adversarial-s3']);
    assert.equal(r.config.eps, 0.01);
    // The headline's clean AUCs are the means of the three runs' test AUCs.
    const mean = (g: string) => [1, 2, 3].reduce((s, k) => s + r.evaluation[`${g}-s${k}`].BvL, 0) / 3;
    assert.ok(Math.abs(r.headline.clean.nominal.mean - mean('nominal')) < 1e-9);
    assert.ok(Math.abs(r.headline.clean.adversarial.mean - mean('adversarial')) < 1e-9);
    assert.deepEqual(r.headline.nominal.seeds, [1, 2, 3]);
    assert.equal(typeof r.headline.holds, 'boolean');
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /robustness-BvL\.png/);
    assert.ok(html.includes(r.headline.sentence.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), 'report states the verdict');
    if (!hasPdftotext) return void console.log('# pdftotext not installed: figure labels not checked');
    const text = spawnSync('pdftotext', [path.join(out, 'figures', 'robustness-BvL.pdf'), '-'], { encoding: 'utf8' }).stdout;
    assert.match(text, /Tagscape/);
    assert.match(text, /synthetic jets/);
    assert.doesNotMatch(text, /CMS|ATLAS|TeV/);
  });
});

describe('chart helpers', () => {
  it('formats ticks without floating-point noise', () => {
    assert.equal(formatTick(0.1 + 0.2), '0.3');
    assert.equal(formatTick(0.0001), '0.0001');
    assert.equal(formatTick(12000), '12,000');
  });

  it('marching squares finds the contour of a plane where it should be', () => {
    const v = [0, 1, 2, 3];
    const z = v.map((x) => v.map(() => x)); // z = x
    const segs = contourSegments(v, v, z, 1.5);
    assert.equal(segs.length, 3);
    for (const s of segs) for (const p of s) assert.equal(p[0], 1.5);
  });
});
