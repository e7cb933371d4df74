/**
 * The 184 inputs of the UCI "Jet Flavor" data set (Guest et al., arXiv:1607.08633) in the order the
 * paper's public code (AnnikaStein/Adversarial-Training-for-Jet-Tagging, helpers/variables.py,
 * `input_indices_wanted`) feeds them: 16 jet-level inputs (the flavour label removed), then 28 per-track
 * quantities for the six tracks of highest d0 significance, field-major (track_0_D0 .. track_5_D0,
 * track_0_Z0, ...). Track parameters are those of the Delphes + RAVE ntuple that wrote the data set
 * (dguest/delphes-rave): d0 and z0 in mm, phi and theta relative to the jet axis, the 15 covariance
 * entries, the track's weight in its vertex fit, and seven quantities of the vertex it is assigned to.
 *
 * Default values are the paper's (preparations/defaults.ipynb, the `all_defaults.npy` table printed in
 * preparations/clean_preprocess.ipynb): a missing track, a NaN/Inf entry, and any entry below the
 * default (the producer's -1 and -inf "no vertex" markers) all become the default, which lies just
 * below the smallest real value. Every input has one, so all 184 are frozen by attacks when at it.
 */
import fs from 'node:fs';
import { FLAVOUR_DISCRIMINANTS } from '../../../shared/schema/deepcsv.ts';
import type { FeatureSchema, FeatureSpec } from '../../../shared/schema/types.ts';

/** name, integer, unit, default, description */
const JET_LEVEL: Array<[string, boolean, string, number, string]> = [
  ['jet_pt', false, 'GeV', 0, 'jet transverse momentum'],
  ['jet_eta', false, '', -3, 'jet pseudorapidity'],
  ['track_2_d0_significance', false, '', 0, 'transverse IP significance of the second-most significant track'],
  ['track_3_d0_significance', false, '', 0, 'transverse IP significance of the third-most significant track'],
  ['track_2_z0_significance', false, '', 0, 'longitudinal IP significance of the second-most significant track'],
  ['track_3_z0_significance', false, '', 0, 'longitudinal IP significance of the third-most significant track'],
  ['n_tracks_over_d0_threshold', true, '', -0.001, 'number of tracks above the d0 significance threshold'],
  ['jet_prob', false, '', -0.001, 'jet probability (tracks compatible with the primary vertex)'],
  ['jet_width_eta', false, '', 0, 'track-weighted jet width in eta'],
  ['jet_width_phi', false, '', 0, 'track-weighted jet width in phi'],
  ['vertex_significance', false, '', 0, 'secondary-vertex flight significance'],
  ['n_secondary_vertices', true, '', 0, 'number of secondary vertices'],
  ['n_secondary_vertex_tracks', true, '', 0, 'number of tracks at secondary vertices'],
  ['delta_r_vertex', false, '', 0, 'ΔR between vertex flight direction and jet axis'],
  ['vertex_mass', false, 'GeV', 0, 'secondary-vertex invariant mass'],
  ['vertex_energy_fraction', false, '', 0, 'energy fraction of the vertex tracks'],
];

/** Per-track field, in the order of a track's entries in dataset.json: integer, unit, defaults of tracks 0..5, description. */
const PER_TRACK: Array<[string, boolean, string, number[], string]> = [
  ['D0', false, 'mm', [-7.92894, -7.99566, -8.00002, -8.00068, -7.99889, -8.00028], 'transverse impact parameter d0'],
  ['Z0', false, 'mm', [-393.905, -185.666, -253.084, -237.929, -209.216, -272.433], 'longitudinal impact parameter z0'],
  ['PHI', false, 'rad', [-0.400934, -0.400985, -0.400956, -0.400959, -0.400948, -0.40093], 'azimuth relative to the jet axis'],
  ['THETA', false, 'rad', [-0.397828, -0.398026, -0.397841, -0.397209, -0.39752, -0.396707], 'polar angle relative to the jet axis'],
  ['QOVERP', false, '1/GeV', [-2.00089, -2.00089, -2.00061, -2.00039, -2.00067, -1.99867], 'charge over momentum'],
  ['D0D0', false, 'mm²', [0, 0, 0, 0, 0, 0], 'covariance (d0, d0)'],
  ['Z0D0', false, 'mm²', Array(6).fill(-3.55404e-5), 'covariance (z0, d0)'],
  ['Z0Z0', false, 'mm²', [0, 0, 0, 0, 0, 0], 'covariance (z0, z0)'],
  ['PHID0', false, 'mm', Array(6).fill(-2.22598e-5), 'covariance (phi, d0)'],
  ['PHIZ0', false, 'mm', Array(6).fill(-2.57313e-6), 'covariance (phi, z0)'],
  ['PHIPHI', false, '', [0, 0, 0, 0, 0, 0], 'covariance (phi, phi)'],
  ['THETAD0', false, 'mm', Array(6).fill(-1.63849e-7), 'covariance (theta, d0)'],
  ['THETAZ0', false, 'mm', [1.3957e-6, 1.30425e-6, 8.1567e-7, 1.42289e-6, 1.42289e-6, 1.42289e-6], 'covariance (theta, z0)'],
  ['THETAPHI', false, '', [-1.48111e-9, -1.27775e-9, -1.48111e-9, -1.27775e-9, -1.27775e-9, -1.27775e-9], 'covariance (theta, phi)'],
  ['THETATHETA', false, '', [0, 0, 0, 0, 0, 0], 'covariance (theta, theta)'],
  ['QOVERPD0', false, 'mm/GeV', Array(6).fill(-1.87058e-5), 'covariance (q/p, d0)'],
  ['QOVERPZ0', false, 'mm/GeV', Array(6).fill(-6.48033e-6), 'covariance (q/p, z0)'],
  ['QOVERPPHI', false, '1/GeV', [8.35556e-9, 9.5057e-9, 8.22917e-9, 1.08042e-8, 1.08042e-8, 1.08042e-8], 'covariance (q/p, phi)'],
  ['QOVERPTHETA', false, '1/GeV', [-5.68441e-9, -5.44631e-9, -5.68441e-9, -4.36869e-9, -5.44631e-9, -4.36869e-9], 'covariance (q/p, theta)'],
  ['QOVERPQOVERP', false, '1/GeV²', [0, 0, 0, 0, 0, 0], 'covariance (q/p, q/p)'],
  ['weight', false, '', [0, 0, 0, 0, 0, 0], 'weight of the track in its vertex fit'],
  ['vertex_mass', false, 'GeV', [0, 0, 0, 0, 0, 0], "mass of the track's vertex"],
  ['vertex_displacement', false, 'mm', Array(6).fill(-0.001), "displacement of the track's vertex"],
  ['vertex_delta_eta_jet', false, '', [-8.11261, -8.11261, -7.57414, -8.10895, -8.10895, -8.11261], "Δeta between the track's vertex direction and the jet"],
  ['vertex_delta_phi_jet', false, 'rad', [-3.14259, -3.14259, -3.14259, -3.14259, -3.14259, -3.14258], "Δphi between the track's vertex direction and the jet"],
  ['vertex_displacement_significance', false, '', Array(6).fill(-0.001), "displacement significance of the track's vertex"],
  ['vertex_n_tracks', true, '', [0, 0, 0, 0, 0, 0], "number of tracks at the track's vertex"],
  ['vertex_energy_fraction', false, '', [0, 0, 0, 0, 0, 0], "energy fraction of the track's vertex"],
];

export const UCI_TRACKS = 6;

function baseFeatures(): FeatureSpec[] {
  const out: FeatureSpec[] = JET_LEVEL.map(([name, integer, unit, defaultValue, description]) => ({
    name, unit, integer, defaultValue, group: /vertex|vertices/.test(name) ? 'vertex' : 'jet', description,
  }));
  for (const [field, integer, unit, defaults, description] of PER_TRACK) {
    for (let k = 0; k < UCI_TRACKS; k++) {
      out.push({
        name: `track_${k}_${field}`, unit, integer, defaultValue: defaults[k], group: `track${k}`,
        description: `track ${k} (by d0 significance): ${description}`,
      });
    }
  }
  return out;
}

export interface UciSchemaOptions {
  /** CSV feature table with columns name, is_integer and default_raw, whose flags and defaults replace the built-in ones. */
  featureTable?: string;
}

export function uciSchema(options: UciSchemaOptions = {}): FeatureSchema {
  const features = baseFeatures();
  if (options.featureTable) applyFeatureTable(features, options.featureTable);
  return {
    name: 'uci',
    description: 'UCI Jet Flavor inputs (184), classes b, c, udsg',
    features,
    classes: ['b', 'c', 'udsg'],
    discriminants: FLAVOUR_DISCRIMINANTS.map((d) => ({
      ...d,
      signal: d.signal.filter((c) => c !== 'bb'),
      background: d.background.filter((c) => c !== 'bb'),
      description: d.description.replace(/b\+bb/g, 'b'),
    })),
  };
}

function applyFeatureTable(features: FeatureSpec[], file: string): void {
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const col = (n: string) => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`The UCI feature table ${file} has no "${n}" column.`);
    return i;
  };
  const iName = col('name');
  const iInt = col('is_integer');
  const iDef = col('default_raw');
  if (lines.length - 1 !== features.length) {
    throw new Error(`The UCI feature table ${file} lists ${lines.length - 1} features; the schema has ${features.length}.`);
  }
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',');
    if (cells[iName] !== features[i].name) {
      throw new Error(`The UCI feature table ${file} names feature ${i} "${cells[iName]}", expected "${features[i].name}".`);
    }
    features[i].integer = cells[iInt] === '1';
    features[i].defaultValue = Number(cells[iDef]);
  });
}
