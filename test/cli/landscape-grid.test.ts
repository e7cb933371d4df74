import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { tmpDir } from '../helpers.ts';
import { jsonOf, tagscape } from './run-cli.ts';

describe('tagscape landscape and export at the paper\'s map sizes', () => {
  const dir = tmpDir('tagscape-landscape-grid-');
  const ws = path.join(dir, 'ws');
  before(() => {
    jsonOf(tagscape('train', '--data', 'synthetic:600', '--epochs', '1', '--hidden', '8,8', '--loss', 'focal', '--focal-gamma', '25', '--workspace', ws, '--name', 'f', '--json'));
  });

  it('computes a 501 x 501 per-jet map over a total width of 0.01 sigma and summarises it', () => {
    const out = path.join(dir, 'big.json');
    const r = tagscape('landscape', '--workspace', ws, '--run', 'f', '--data', 'synthetic:600', '--jet', '3', '--features', 'trackSip2dSig_0,trackSip3dSig_0', '--span', '0.005', '--grid', '501', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /loss surface \(501 x 501\)/);
    assert.match(r.stdout, /min \d\.\d{4}e-\d+|min 0\.\d+/, 'the summary reads the whole map');
    const s = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(s.loss.length, 501);
    assert.equal(tagscape('landscape', '--workspace', ws, '--run', 'f', '--data', 'synthetic:600', '--jet', '3', '--features', 'trackSip2dSig_0,trackSip3dSig_0', '--grid', '502').code, 1, 'past the cap: refused');
  });

  it('exports a map with a log colour scale and physical axes', () => {
    const surf = path.join(dir, 'small.json');
    jsonOf(tagscape('landscape', '--workspace', ws, '--run', 'f', '--data', 'synthetic:600', '--jet', '3', '--features', 'trackSip2dSig_0,trackSip3dSig_0', '--span', '0.5', '--grid', '21', '--out', surf, '--json'));
    const svg = path.join(dir, 'map.svg');
    jsonOf(tagscape('export', '--workspace', ws, '--plot', 'landscape', '--surface', surf, '--log-colour', '--physical-axes', '--format', 'svg', '--out', svg, '--json'));
    const text = fs.readFileSync(svg, 'utf8');
    assert.ok(text.includes('loss (log)'), 'the colour bar says log');
    assert.ok(text.includes('>trackSip2dSig_0<') && !text.includes('offset (σ)'), 'physical axis titles');
  });
});
