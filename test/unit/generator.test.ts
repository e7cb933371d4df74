import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEEPCSV_SCHEMA } from '../../shared/schema/deepcsv.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';

const F = DEEPCSV_SCHEMA.features.length;
const col = (name: string) => DEEPCSV_SCHEMA.features.findIndex((f) => f.name === name);

function column(d: ReturnType<typeof generateJets>, name: string, cls?: string): number[] {
  const j = col(name);
  const c = cls === undefined ? -1 : DEEPCSV_SCHEMA.classes.indexOf(cls);
  const out: number[] = [];
  for (let i = 0; i < d.n; i++) if (c < 0 || d.labels[i] === c) out.push(d.features[i * F + j]);
  return out;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor(q * (v.length - 1))];

describe('synthetic jet generator', () => {
  const d = generateJets({ jets: 6000, seed: 11 });

  it('is deterministic per seed and differs between seeds', () => {
    const again = generateJets({ jets: 6000, seed: 11 });
    assert.deepEqual(Buffer.from(again.features.buffer), Buffer.from(d.features.buffer));
    assert.deepEqual(again.labels, d.labels);
    assert.equal(again.source.hash, d.source.hash);
    const other = generateJets({ jets: 6000, seed: 12 });
    assert.notDeepEqual(Buffer.from(other.features.buffer), Buffer.from(d.features.buffer));
    assert.notEqual(other.source.hash, d.source.hash);
  });

  it('produces finite DeepCSV inputs inside the tracker acceptance with a falling pT spectrum', () => {
    assert.equal(F, 67);
    assert.ok(d.features.every(Number.isFinite));
    const pt = column(d, 'jet_pt');
    const eta = column(d, 'jet_eta');
    assert.ok(pt.every((v) => v >= 20 && v <= 1000));
    assert.ok(eta.every((v) => Math.abs(v) < 2.5));
    const below40 = pt.filter((v) => v < 40).length;
    const above100 = pt.filter((v) => v > 100).length;
    assert.ok(below40 > 4 * above100, 'the spectrum falls');
  });

  it('keeps counts integer and fills missing tracks and vertices with the schema defaults', () => {
    for (const f of DEEPCSV_SCHEMA.features.filter((x) => x.integer)) {
      assert.ok(column(d, f.name).every(Number.isInteger), `${f.name} is integer`);
    }
    const nTracks = column(d, 'jetNSelectedTracks');
    for (let k = 0; k < 6; k++) {
      const sig = column(d, `trackSip2dSig_${k}`);
      nTracks.forEach((n, i) => assert.equal(sig[i] === -999, n <= k, `track ${k} of jet ${i} (n=${n})`));
    }
    const cat = column(d, 'vertexCategory');
    const fd = column(d, 'flightDistance2dSig');
    const mass = column(d, 'vertexMass');
    cat.forEach((c, i) => {
      assert.equal(fd[i] === -999, c !== 0, `flight distance present only for a reconstructed vertex (jet ${i})`);
      assert.equal(mass[i] === -999, c === 2, `vertex mass present for vertex and pseudo-vertex (jet ${i})`);
    });
  });

  it('orders flavours by lifetime and mass: b > c > light in IP significance, vertex mass up to ~5 GeV for b and ~2 GeV for c', () => {
    const sig = (cls: string) => median(column(d, 'trackSip2dSig_0', cls).filter((v) => v !== -999));
    assert.ok(sig('b') > sig('c') && sig('c') > sig('udsg'), `medians b ${sig('b')}, c ${sig('c')}, udsg ${sig('udsg')}`);
    const vm = (cls: string) => column(d, 'vertexMass', cls).filter((v, i) => v !== -999 && column(d, 'vertexCategory', cls)[i] === 0);
    assert.ok(quantile(vm('b'), 0.99) < 5.5 && quantile(vm('b'), 0.9) > 2.5, 'b vertex masses reach the B mass');
    assert.ok(quantile(vm('c'), 0.99) < 2.4, 'c vertex masses stay below the D mass');
    const eff = (cls: string) => column(d, 'vertexCategory', cls).filter((c) => c === 0).length / column(d, 'vertexCategory', cls).length;
    assert.ok(eff('b') > eff('c') && eff('c') > eff('udsg'), `vertex rates b ${eff('b')}, c ${eff('c')}, udsg ${eff('udsg')}`);
    const nt = (cls: string) => column(d, 'jetNSelectedTracks', cls).reduce((a, b) => a + b, 0) / column(d, 'jetNSelectedTracks', cls).length;
    const ptHi = column(d, 'jet_pt').map((v, i) => [v, column(d, 'jetNSelectedTracks')[i]]);
    const meanTracks = (lo: number, hi: number) => {
      const s = ptHi.filter(([p]) => p >= lo && p < hi).map(([, n]) => n);
      return s.reduce((a, b) => a + b, 0) / s.length;
    };
    assert.ok(meanTracks(100, 1000) > meanTracks(20, 30) + 1, 'track multiplicity grows with pT');
    assert.ok(nt('b') > 0);
  });

  it('has a high-significance tail in light jets (resolution tails)', () => {
    const light = column(d, 'trackSip2dSig_0', 'udsg').filter((v) => v !== -999);
    assert.ok(light.filter((v) => v > 5).length / light.length > 0.01);
  });

  it('refuses a non-positive number of jets', () => {
    assert.throws(() => generateJets({ jets: 0 }), /positive integer/);
  });
});

describe('synthetic data specs', () => {
  it('reads jets, seed and fractions, and refuses malformed ones in one sentence', async () => {
    const { parseSyntheticSpec } = await import('../../main/engine/data/load.ts');
    assert.deepEqual(parseSyntheticSpec('synthetic:500:seed=7:fractions=0.5/0/0.5/0'), { jets: 500, seed: 7, fractions: [0.5, 0, 0.5, 0] });
    assert.equal(parseSyntheticSpec('/data/jets.h5'), null);
    assert.throws(() => parseSyntheticSpec('synthetic:500:seed=abc'), /seed in data spec "synthetic:500:seed=abc" must be a whole number/);
    for (const f of ['x/y/z/w', '0.5/0.5', '0/0/0/0', '-1/1/1/1']) {
      assert.throws(() => parseSyntheticSpec(`synthetic:500:fractions=${f}`), /must be four non-negative numbers b\/bb\/c\/udsg/);
    }
  });
});
