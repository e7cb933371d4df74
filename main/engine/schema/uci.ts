/**
 * The 184 inputs of the UCI "Jet Flavor" data set (Guest et al., arXiv:1607.08633) in the order the
 * paper's public code feeds them: 16 jet-level inputs, then 28 per-track quantities for tracks 0..5
 * (field-major: track_0_D0 .. track_5_D0, track_0_Z0, ...).
 *
 * Default values of this data set are per-feature fill values measured on the data, not structural
 * constants, so they are read from a feature table (CSV with name,is_integer,...,default_raw columns)
 * when one is given; without it no entry counts as defaulted.
 */
import fs from 'node:fs';
import { FLAVOUR_DISCRIMINANTS } from '../../../shared/schema/deepcsv.ts';
import type { FeatureSchema, FeatureSpec } from '../../../shared/schema/types.ts';

const JET_LEVEL: Array<[string, boolean, string, string]> = [
  ['jet_pt', false, 'GeV', 'jet transverse momentum'],
  ['jet_eta', false, '', 'jet pseudorapidity'],
  ['track_2_d0_significance', false, '', 'transverse IP significance of the second-most significant track'],
  ['track_3_d0_significance', false, '', 'transverse IP significance of the third-most significant track'],
  ['track_2_z0_significance', false, '', 'longitudinal IP significance of the second-most significant track'],
  ['track_3_z0_significance', false, '', 'longitudinal IP significance of the third-most significant track'],
  ['n_tracks_over_d0_threshold', true, '', 'number of tracks above the d0 significance threshold'],
  ['jet_prob', false, '', 'jet probability (tracks compatible with the primary vertex)'],
  ['jet_width_eta', false, '', 'track-weighted jet width in eta'],
  ['jet_width_phi', false, '', 'track-weighted jet width in phi'],
  ['vertex_significance', false, '', 'secondary-vertex flight significance'],
  ['n_secondary_vertices', true, '', 'number of secondary vertices'],
  ['n_secondary_vertex_tracks', true, '', 'number of tracks at secondary vertices'],
  ['delta_r_vertex', false, '', 'ΔR between vertex flight direction and jet axis'],
  ['vertex_mass', false, 'GeV', 'secondary-vertex invariant mass'],
  ['vertex_energy_fraction', false, '', 'energy fraction of the vertex tracks'],
];

const PER_TRACK: Array<[string, boolean, string]> = [
  ['D0', false, 'mm'], ['Z0', false, 'mm'], ['PHI', false, 'rad'], ['THETA', false, 'rad'], ['QOVERP', false, '1/GeV'],
  ['D0D0', false, ''], ['Z0D0', false, ''], ['Z0Z0', false, ''], ['PHID0', false, ''], ['PHIZ0', false, ''],
  ['PHIPHI', false, ''], ['THETAD0', false, ''], ['THETAZ0', false, ''], ['THETAPHI', false, ''],
  ['THETATHETA', false, ''], ['QOVERPD0', false, ''], ['QOVERPZ0', false, ''], ['QOVERPPHI', false, ''],
  ['QOVERPTHETA', false, ''], ['QOVERPQOVERP', false, ''], ['weight', false, ''], ['vertex_mass', false, 'GeV'],
  ['vertex_displacement', false, 'mm'], ['vertex_delta_eta_jet', false, ''], ['vertex_delta_phi_jet', false, 'rad'],
  ['vertex_displacement_significance', false, ''], ['vertex_n_tracks', true, ''], ['vertex_energy_fraction', false, ''],
];

export const UCI_TRACKS = 6;

function baseFeatures(): FeatureSpec[] {
  const out: FeatureSpec[] = JET_LEVEL.map(([name, integer, unit, description]) => ({
    name, unit, integer, defaultValue: NaN, group: name.startsWith('vertex') || name.includes('vertex') ? 'vertex' : 'jet', description,
  }));
  for (const [field, integer, unit] of PER_TRACK) {
    for (let k = 0; k < UCI_TRACKS; k++) {
      out.push({
        name: `track_${k}_${field}`, unit, integer, defaultValue: NaN, group: `track${k}`,
        description: `track ${k}: ${field}`,
      });
    }
  }
  return out;
}

export interface UciSchemaOptions {
  /** CSV feature table with columns name, is_integer and default_raw; supplies the default values. */
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
