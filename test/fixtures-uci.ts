/**
 * Small synthetic files in the layout of the UCI Jet Flavor data set's dataset.json.gz, for reader tests
 * (generated into a temporary folder, never committed). One jet per line, as the Delphes + RAVE writer
 * (dguest/delphes-rave, modules/HDF5Writer.cc) prints it and the paper's read_dataset.ipynb reads it:
 *
 *   [pt, eta, flavour, [8 track-based jet variables], [6 vertex variables],
 *    [[[d0, z0, phi, theta, q/p], [15 covariances], [weight], [7 vertex variables]], ...]]
 *
 * Numbers carry six significant digits (C++ stream output); NaN and infinities are the strings "NaN",
 * "-NaN", "inf", "-inf". The writer's markers appear where it writes them: -inf for the second/third
 * track significances of jets with too few tracks, -1/inf/-inf for the vertex variables of a jet
 * without a secondary vertex; tracks outside a secondary vertex get -1 for its displacement, its
 * significance, track count and energy fraction (a choice of this fixture). Tracks are written in random
 * order, so a reader must rank them itself.
 */
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';

export type UciValue = number | 'NaN' | '-NaN' | 'inf' | '-inf';

export interface UciTrack {
  par: UciValue[];
  cov: UciValue[];
  weight: UciValue;
  vertex: UciValue[];
}

export interface UciJet {
  pt: UciValue;
  eta: UciValue;
  flavour: number;
  tracking: UciValue[];
  vertex: UciValue[];
  tracks: UciTrack[];
}

export interface UciJetOptions {
  jets: number;
  seed: number;
  /** Most tracks a jet gets (0 to this many). @default 12 */
  maxTracks?: number;
  /** Chance that a track's covariance entry other than cov(d0, d0) is written as "NaN". @default 0.01 */
  nanRate?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const six = (x: number) => Number(x.toPrecision(6));

export function syntheticUciJets(options: UciJetOptions): UciJet[] {
  const r = rng(options.seed);
  const maxTracks = options.maxTracks ?? 12;
  const nanRate = options.nanRate ?? 0.01;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const uniform = (lo: number, hi: number) => six(lo + (hi - lo) * r());
  return Array.from({ length: options.jets }, () => {
    const flavour = [5, 4, 0][Math.floor(r() * 3)];
    const nTracks = Math.floor(r() * (maxTracks + 1));
    const lifetime = flavour === 5 ? 0.3 : flavour === 4 ? 0.12 : 0.02;
    const tracks: UciTrack[] = Array.from({ length: nTracks }, () => {
      const d0err = 0.02 + 0.03 * r();
      const inVertex = r() < 0.4;
      return {
        par: [six(lifetime * Math.abs(gauss()) * (r() < 0.8 ? 1 : -1) + 0.03 * gauss()), six(0.5 * gauss()), six(0.1 * gauss()), six(0.1 * gauss()), six(0.3 * gauss())],
        cov: Array.from({ length: 15 }, (_, i): UciValue => (i === 0 ? six(d0err * d0err) : r() < nanRate ? 'NaN' : six(1e-4 * gauss()))),
        weight: inVertex ? uniform(0, 1) : 0,
        vertex: inVertex
          ? [uniform(0.3, 5), uniform(0, 20), six(0.3 * gauss()), six(0.3 * gauss()), uniform(0, 50), 2 + Math.floor(r() * 5), uniform(0.05, 1)]
          : [uniform(0, 1), -1, 0, 0, -1, -1, -1],
      };
    });
    const hasVertex = tracks.some((t) => t.vertex[1] !== -1);
    return {
      pt: uniform(20, 300),
      eta: uniform(-2.5, 2.5),
      flavour,
      tracking: [
        nTracks >= 2 ? uniform(0, 30) : '-inf',
        nTracks >= 3 ? uniform(0, 20) : '-inf',
        nTracks >= 2 ? uniform(0, 30) : '-inf',
        nTracks >= 3 ? uniform(0, 20) : '-inf',
        Math.floor(r() * Math.min(nTracks + 1, 8)),
        nTracks > 0 ? uniform(0, 0.4) : -1,
        nTracks > 0 ? uniform(0.001, 0.4) : '-inf',
        nTracks > 0 ? uniform(0.001, 0.4) : '-inf',
      ],
      vertex: hasVertex ? [uniform(0.01, 200), 1 + Math.floor(r() * 3), 2 + Math.floor(r() * 8), uniform(0, 0.4), uniform(0.3, 6), uniform(0.01, 1)] : [-1, -1, -1, 'inf', -1, '-inf'],
      tracks,
    };
  });
}

/** One jet as its line of dataset.json (the special values stay quoted strings). */
export function uciJetLine(j: UciJet): string {
  return JSON.stringify([j.pt, j.eta, j.flavour, j.tracking, j.vertex, j.tracks.map((t) => [t.par, t.cov, [t.weight], t.vertex])]);
}

/** Jets (or raw lines) written as dataset.json, gzip-compressed unless `gzip: false`. */
export function writeUciJson(file: string, jets: Array<UciJet | string>, options: { gzip?: boolean } = {}): void {
  const text = jets.map((j) => (typeof j === 'string' ? j : uciJetLine(j))).join('\n') + '\n';
  fs.writeFileSync(file, options.gzip === false ? text : gzipSync(text));
}
