import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { classCounts } from '../../main/engine/data/dataset.ts';
import { loadData, loadDataWithReport } from '../../main/engine/data/load.ts';
import { getSchema } from '../../main/engine/schema/index.ts';
import { syntheticUciJets, uciJetLine, writeUciJson, type UciJet, type UciValue } from '../fixtures-uci.ts';
import { SHARED_DATA, SHARED_SKIP, tmpDir } from '../helpers.ts';

/**
 * The paper's own indexing (helpers/variables.py): a flat row of 17 high-level columns (flavour at 2) and
 * 28 track-vertex variables x 33 tracks, variable-major, tracks padded with -1000; `input_indices_wanted`
 * keeps 16 high-level and the first six tracks. Cleaning (clean_preprocess.ipynb) sets NaN/Inf and
 * anything below a feature's default to the default.
 */
const HIGH_LEVEL = ['jet_pt', 'jet_eta', 'flavor', 'track_2_d0_significance', 'track_3_d0_significance', 'track_2_z0_significance', 'track_3_z0_significance', 'n_tracks_over_d0_threshold', 'jet_prob', 'jet_width_eta', 'jet_width_phi', 'vertex_significance', 'n_secondary_vertices', 'n_secondary_vertex_tracks', 'delta_r_vertex', 'vertex_mass', 'vertex_energy_fraction'];
const TRACK_VARS = 'D0,Z0,PHI,THETA,QOVERP,D0D0,Z0D0,Z0Z0,PHID0,PHIZ0,PHIPHI,THETAD0,THETAZ0,THETAPHI,THETATHETA,QOVERPD0,QOVERPZ0,QOVERPPHI,QOVERPTHETA,QOVERPQOVERP,weight,vertex_mass,vertex_displacement,vertex_delta_eta_jet,vertex_delta_phi_jet,vertex_displacement_significance,vertex_n_tracks,vertex_energy_fraction'.split(',');
const PAD = -1000;

const fix = (x: UciValue): number => (x === 'NaN' || x === '-NaN' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x);

function fullIndexToName(i: number): string {
  if (i < HIGH_LEVEL.length) return HIGH_LEVEL[i];
  const t = i - HIGH_LEVEL.length;
  return `track_${t % 33}_${TRACK_VARS[Math.floor(t / 33)]}`;
}

/** The 184 non-target indices of input_indices_wanted(), as full-row indices. */
function wantedFullIndices(): number[] {
  const nonTarget = [...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 28 * 6 }, (_, m) => 16 + Math.floor(m / 6) * 33 + (m % 6))];
  return nonTarget.map((i) => (i < 2 ? i : i + 1));
}

/** A jet's flat 941-column row, tracks in descending d0/sqrt(cov(d0,d0)) (NaN last), and which entries are padding. */
function paperRow(j: UciJet): { row: number[]; padded: boolean[] } {
  const row = [j.pt, j.eta, j.flavour, ...j.tracking, ...j.vertex].map(fix);
  const padded = row.map(() => false);
  const sig = (t: UciJet['tracks'][number]) => fix(t.par[0]) / Math.sqrt(fix(t.cov[0]));
  const sorted = [...j.tracks].sort((a, b) => {
    const [x, y] = [sig(a), sig(b)];
    return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : y - x;
  });
  const flat = (t: UciJet['tracks'][number]) => [...t.par, ...t.cov, t.weight, ...t.vertex].map(fix);
  for (let v = 0; v < 28; v++) {
    for (let k = 0; k < 33; k++) {
      row.push(k < sorted.length ? flat(sorted[k])[v] : PAD);
      padded.push(k >= sorted.length);
    }
  }
  return { row, padded };
}

/** What the reader must give, computed along the paper's path: inputs by name, counts of repairs. */
function expected(jets: UciJet[]) {
  const schema = getSchema('uci');
  const def = new Map(schema.features.map((f) => [f.name, f.defaultValue]));
  const wanted = wantedFullIndices();
  const names = wanted.map(fullIndexToName);
  const features = new Float32Array(jets.length * names.length);
  let nonfinite = 0;
  let below = 0;
  jets.forEach((jet, i) => {
    const { row, padded } = paperRow(jet);
    wanted.forEach((c, m) => {
      const d = def.get(names[m])!;
      let v = row[c];
      if (!Number.isFinite(v)) [v, nonfinite] = [d, nonfinite + 1];
      else if (v < d) [v, below] = [d, below + (padded[c] ? 0 : 1)];
      features[i * names.length + schema.features.findIndex((f) => f.name === names[m])] = v;
    });
  });
  const labels = Int32Array.from(jets, (j) => ['b', 'c', 'udsg'].indexOf({ 5: 'b', 4: 'c', 0: 'udsg' }[j.flavour as 5 | 4 | 0]!));
  return { names, features, labels, nonfinite, below };
}

describe('UCI Jet Flavor dataset.json.gz reader', () => {
  const dir = tmpDir('tagscape-uci-');
  const jets = syntheticUciJets({ jets: 300, seed: 7 });
  const file = path.join(dir, 'dataset.json.gz');
  writeUciJson(file, jets);

  it("the paper's 184 input names are the schema's, one each", () => {
    const names = wantedFullIndices().map(fullIndexToName);
    assert.deepEqual([...names].sort(), getSchema('uci').features.map((f) => f.name).sort());
    assert.equal(new Set(names).size, 184);
  });

  it('built-in defaults and integer flags are those of the published feature table', { skip: SHARED_SKIP }, () => {
    const rows = fs.readFileSync(path.join(SHARED_DATA, 'uci_jet_flavor_184_features.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const s = getSchema('uci');
    assert.deepEqual(s.features.map((f) => f.name), rows.map((r) => r[1]));
    assert.deepEqual(s.features.map((f) => f.defaultValue), rows.map((r) => Number(r[5])));
    assert.deepEqual(s.features.map((f) => f.integer), rows.map((r) => r[2] === '1'));
  });

  it('round trip: every input placed as the paper indexes it, labels 5/4/0 -> b/c/udsg, repairs counted, sha256 of the file', async () => {
    const { data, report } = await loadDataWithReport(file);
    const want = expected(jets);
    assert.equal(data.n, jets.length);
    assert.equal(data.schema.name, 'uci');
    assert.deepEqual(data.labels, want.labels);
    assert.deepEqual(classCounts(data), { b: jets.filter((j) => j.flavour === 5).length, c: jets.filter((j) => j.flavour === 4).length, udsg: jets.filter((j) => j.flavour === 0).length });
    for (let i = 0; i < data.n; i++) {
      for (let f = 0; f < 184; f++) {
        const [got, exp] = [data.features[i * 184 + f], want.features[i * 184 + f]];
        if (got !== exp) assert.fail(`jet ${i}, ${data.schema.features[f].name}: read ${got}, the paper's indexing gives ${exp}`);
      }
    }
    assert.ok(want.nonfinite > 0 && want.below > 0, 'the fixture exercises both repairs');
    assert.equal(report!.format, 'uci-json');
    assert.equal(Object.keys(report!.features_found).length, 184);
    assert.deepEqual(report!.features_missing, []);
    assert.equal(report!.nonfinite_replaced, want.nonfinite);
    assert.equal(Object.values(report!.nonfinite_by_feature).reduce((s, c) => s + c, 0), want.nonfinite);
    assert.equal(report!.below_default_replaced, want.below);
    assert.equal(data.source.kind, 'uci-json');
    assert.equal(data.source.hash, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  });

  it('reads the gunzipped dataset.json the same, CRLF line ends and blank lines included', async () => {
    const plain = path.join(dir, 'dataset.json');
    fs.writeFileSync(plain, jets.map(uciJetLine).join('\r\n') + '\r\n\r\n');
    const [a, b] = [await loadData(file), await loadData(plain)];
    assert.ok(Buffer.from(a.features.buffer).equals(Buffer.from(b.features.buffer)));
    assert.deepEqual(a.labels, b.labels);
  });

  it('empty track slots, a jet without vertex and a NaN d0 significance get the defaults; the NaN track ranks last', async () => {
    const s = getSchema('uci');
    const at = (name: string) => s.features.findIndex((f) => f.name === name);
    const few = syntheticUciJets({ jets: 40, seed: 3, maxTracks: 2 });
    const [noTracks, twoTracks] = [0, 2].map((k) => few.find((j) => j.tracks.length === k)!);
    assert.ok(noTracks && twoTracks, 'the fixture has jets with 0 and 2 tracks');
    const nanTrack = { ...twoTracks.tracks[0], par: ['NaN' as UciValue, ...twoTracks.tracks[0].par.slice(1)] };
    const withNan = { ...twoTracks, tracks: [nanTrack, twoTracks.tracks[1]] };
    const f = path.join(dir, 'few.json.gz');
    writeUciJson(f, [noTracks, twoTracks, withNan]);
    const { data } = await loadDataWithReport(f);
    const v = (i: number, name: string) => data.features[i * 184 + at(name)];
    for (const field of TRACK_VARS) {
      for (let k = 0; k < 6; k++) assert.equal(v(0, `track_${k}_${field}`), Math.fround(s.features[at(`track_${k}_${field}`)].defaultValue), `no tracks: track_${k}_${field}`);
      for (let k = 2; k < 6; k++) assert.equal(v(1, `track_${k}_${field}`), Math.fround(s.features[at(`track_${k}_${field}`)].defaultValue), `two tracks: track_${k}_${field}`);
    }
    for (const name of ['vertex_significance', 'n_secondary_vertices', 'n_secondary_vertex_tracks', 'delta_r_vertex', 'vertex_mass', 'vertex_energy_fraction', 'track_2_d0_significance', 'jet_width_eta']) {
      assert.equal(v(0, name), 0, `no tracks, no vertex: ${name} at its default 0`);
    }
    assert.equal(v(0, 'jet_prob'), Math.fround(-0.001));
    // The d0-NaN track: its slot values come from the other track first, and its own d0 becomes the default.
    assert.equal(v(2, 'track_0_Z0'), Math.fround(fix(twoTracks.tracks[1].par[1])));
    assert.equal(v(2, 'track_1_Z0'), Math.fround(fix(twoTracks.tracks[0].par[1])));
    assert.equal(v(2, 'track_1_D0'), Math.fround(s.features[at('track_1_D0')].defaultValue));
  });

  it('labels: a flavour outside 5, 4, 0 is refused with its line and jet', async () => {
    const f = path.join(dir, 'tau.json.gz');
    writeUciJson(f, [jets[0], { ...jets[1], flavour: 15 }]);
    await assert.rejects(loadData(f), /tau.json.gz: line 2 \(jet 1\) has flavour 15, which is none of 5 \(b\), 4 \(c\), 0 \(light\); drop those jets or relabel them/);
  });

  it('bad input: one sentence naming the file, the line and what to do', async () => {
    const cases: Array<[string, Buffer | string, RegExp]> = [
      ['cut.json.gz', fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)), /cut.json.gz: the gzip data end early, after line \d+ \(the file is truncated\); copy or download it again\./],
      ['badjson.json.gz', gzipSync([uciJetLine(jets[0]), uciJetLine(jets[1]), '[30.1, 0.5, 5, [1, 2'].join('\n')), /badjson.json.gz: line 3 \(jet 2\) is not valid JSON; .*download it again\./],
      ['short.json.gz', gzipSync(JSON.stringify([30.1, 0.5, 5, [], []])), /short.json.gz: line 1 \(jet 0\) is a list of 5, not a jet \[pt, eta, flavour/],
      ['text.json.gz', gzipSync(uciJetLine({ ...jets[0], pt: 'fast' as UciValue })), /text.json.gz: line 1 \(jet 0\): the jet pT \(entry 0\) is "fast", not a number/],
      ['tracking.json.gz', gzipSync(uciJetLine({ ...jets[0], tracking: jets[0].tracking.slice(0, 5) })), /entry 3 should list the 8 track-based jet variables but is a list of 5/],
      ['track.json', JSON.stringify([30.1, 0.5, 0, jets[0].tracking, jets[0].vertex, [[[1, 2, 3, 4, 5], [1], [0.5], [1, 2, 3, 4, 5, 6, 7]]]]), /track.json: line 1 \(jet 0\): track 0 should be \[\[5\], \[15\], \[1\], \[7\]\] numbers but is \[\[5\], \[1\], \[1\], \[7\]\]/],
      ['empty.json.gz', '', /empty.json.gz: the file is empty/],
      ['blank.json.gz', gzipSync('\n\n'), /blank.json.gz: holds no jets/],
      ['oneline.json', '['.repeat(1_200_000), /oneline.json: line 1 is longer than \d+ characters, so this is not the one-jet-per-line UCI format/],
    ];
    const flipped = Buffer.from(fs.readFileSync(file));
    flipped[Math.floor(flipped.length / 2)] ^= 0x5a;
    cases.push(['flip.json.gz', flipped, /flip.json.gz: (the gzip data are damaged after line \d+ \(.+\)|line \d+ \(jet \d+\))/]);
    for (const [name, bytes, pattern] of cases) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      await assert.rejects(loadData(f), (e: Error) => {
        assert.match(e.message, pattern, name);
        assert.ok(!e.message.includes('\n'), `${name}: one line`);
        return true;
      });
    }
    await assert.rejects(loadDataWithReport(file, { external: ['score'] }), /dataset.json.gz: the UCI Jet Flavor data set holds no external tagger scores/);
  });
});
