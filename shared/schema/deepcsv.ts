/**
 * The 67 DeepCSV inputs in CMS naming (PFNano branches are `Jet_DeepCSV_<name>`, plus Jet_pt, Jet_eta).
 * Default values are those of CMS's DeepCSV tag-info producer as seen in PFNano files: a missing track or
 * vertex quantity is -999, the *AboveCharm inputs are -1 when no track lifts the mass above charm, track
 * sums are 0 without tracks, and counts are never defaulted (0 is a real count).
 */
import type { DiscriminantSpec, FeatureSchema, FeatureSpec } from './types.ts';

export const DEEPCSV_TRACKS = 6;
export const DEEPCSV_ETAREL_TRACKS = 4;

function f(name: string, unit: string, group: FeatureSpec['group'], defaultValue: number, description: string, integer = false): FeatureSpec {
  return { name, unit, integer, defaultValue, group, description };
}

const MISSING = -999;

function trackFeatures(): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  for (let k = 0; k < DEEPCSV_TRACKS; k++) {
    const g = `track${k}` as const;
    const d = MISSING;
    out.push(
      f(`trackDecayLenVal_${k}`, 'cm', g, d, `track ${k}: distance from the primary vertex to the track's closest approach to the jet axis`),
      f(`trackDeltaR_${k}`, '', g, d, `track ${k}: ΔR between track and jet axis`),
      f(`trackJetDistVal_${k}`, 'cm', g, d, `track ${k}: signed distance of closest approach between track and jet axis`),
      f(`trackPtRatio_${k}`, '', g, d, `track ${k}: momentum transverse to the jet axis over track momentum`),
      f(`trackPtRel_${k}`, 'GeV', g, d, `track ${k}: momentum transverse to the jet axis`),
      f(`trackSip2dSig_${k}`, '', g, d, `track ${k}: signed transverse impact-parameter significance (tracks sorted by it)`),
      f(`trackSip3dSig_${k}`, '', g, d, `track ${k}: signed 3D impact-parameter significance`),
    );
  }
  return out;
}

function etaRelFeatures(): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  for (let k = 0; k < DEEPCSV_ETAREL_TRACKS; k++) {
    out.push(f(`trackEtaRel_${k}`, '', 'vertex', MISSING, `vertex track ${k} (ascending): pseudorapidity relative to the jet axis`));
  }
  return out;
}

export const DEEPCSV_FEATURES: FeatureSpec[] = [
  f('jet_pt', 'GeV', 'jet', NaN, 'jet transverse momentum'),
  f('jet_eta', '', 'jet', NaN, 'jet pseudorapidity'),
  f('flightDistance2dSig', '', 'vertex', MISSING, 'transverse flight-distance significance of the secondary vertex'),
  f('flightDistance2dVal', 'cm', 'vertex', MISSING, 'transverse flight distance of the secondary vertex'),
  f('flightDistance3dSig', '', 'vertex', MISSING, '3D flight-distance significance of the secondary vertex'),
  f('flightDistance3dVal', 'cm', 'vertex', MISSING, '3D flight distance of the secondary vertex'),
  ...trackFeatures(),
  ...etaRelFeatures(),
  f('trackJetPt', 'GeV', 'tracks', 0, 'transverse momentum of the sum of selected tracks'),
  f('trackSip2dSigAboveCharm', '', 'tracks', -1, 'transverse IP significance of the first track lifting the track mass above the charm mass'),
  f('trackSip2dValAboveCharm', 'cm', 'tracks', -1, 'transverse IP of the first track lifting the track mass above the charm mass'),
  f('trackSip3dSigAboveCharm', '', 'tracks', -1, '3D IP significance of the first track lifting the track mass above the charm mass'),
  f('trackSip3dValAboveCharm', 'cm', 'tracks', -1, '3D IP of the first track lifting the track mass above the charm mass'),
  f('trackSumJetDeltaR', '', 'tracks', 0, 'ΔR between the sum of selected tracks and the jet axis'),
  f('trackSumJetEtRatio', '', 'tracks', 0, 'transverse energy of the selected tracks over that of the jet'),
  f('vertexCategory', '', 'vertex', NaN, '0 reconstructed vertex, 1 pseudo-vertex, 2 no vertex', true),
  f('vertexEnergyRatio', '', 'vertex', MISSING, 'energy of the vertex tracks over energy of all selected tracks'),
  f('vertexJetDeltaR', '', 'vertex', MISSING, 'ΔR between the vertex flight direction and the jet axis'),
  f('vertexMass', 'GeV', 'vertex', MISSING, 'invariant mass of the vertex tracks (pion hypothesis)'),
  f('jetNSecondaryVertices', '', 'vertex', NaN, 'number of secondary vertices in the jet', true),
  f('jetNSelectedTracks', '', 'tracks', NaN, 'number of selected tracks', true),
  f('jetNTracksEtaRel', '', 'vertex', NaN, 'number of vertex tracks with an etaRel value', true),
  f('vertexNTracks', '', 'vertex', NaN, 'number of tracks at the (pseudo-)vertex', true),
];

export const DEEPCSV_CLASSES = ['b', 'bb', 'c', 'udsg'];

/** The four CMS discriminants built as ratios of summed class probabilities. */
export const FLAVOUR_DISCRIMINANTS: DiscriminantSpec[] = [
  { name: 'BvL', signal: ['b', 'bb'], background: ['udsg'], description: 'b vs light: (b+bb)/(b+bb+udsg)' },
  { name: 'BvC', signal: ['b', 'bb'], background: ['c'], description: 'b vs charm: (b+bb)/(b+bb+c)' },
  { name: 'CvB', signal: ['c'], background: ['b', 'bb'], description: 'charm vs b: c/(c+b+bb)' },
  { name: 'CvL', signal: ['c'], background: ['udsg'], description: 'charm vs light: c/(c+udsg)' },
];

export const DEEPCSV_SCHEMA: FeatureSchema = {
  name: 'deepcsv',
  description: 'CMS DeepCSV inputs (67), classes b, bb, c, udsg',
  features: DEEPCSV_FEATURES,
  classes: DEEPCSV_CLASSES,
  discriminants: FLAVOUR_DISCRIMINANTS,
};
