/**
 * One jet before and after an attack: every input raw and attacked with its shift in training σ, which
 * inputs the attack may not touch and why, the track inputs as quantity x track slot, and the class
 * probabilities and discriminants before and after.
 *
 * The attack is the one the robustness scan and `tagscape attack` run: the run's own model and loss in
 * inference mode, on the jets the run is evaluated on (its test split on its own training data, else every
 * jet, here capped at `sample`), through the run store's attack cache. So a jet of that set is shown
 * exactly as it entered the robustness AUCs; a row outside it is attacked alone.
 */
import { attackJets } from '../attacks/apply.ts';
import { frozenMask } from '../attacks/frozen.ts';
import { attackKey, validateAttack, type AttackSpec } from '../attacks/spec.ts';
import type { JetDataset } from '../data/dataset.ts';
import { predictRaw, rowsForRun } from '../evaluate/evaluate-run.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { attackCached } from '../robustness/attack-cache.ts';
import { loadRun, type LoadedRun } from '../store/run-model.ts';
import { rankCandidates, type Ranking, type Selection } from './select.ts';
import { trackLayout } from './tracks.ts';
import { gather } from '../data/gather.ts';

export interface InspectRequest {
  /** Workspace holding the run; its attack cache is used and filled. */
  workspace: string;
  data: JetDataset;
  attack: AttackSpec;
  select: Selection;
  /** The jet shown, as a row of the data (the Landscape convention). Required in index mode; otherwise the first candidate. */
  jet?: number;
  /** At most this many of the evaluated jets are ranked and attacked together. @default 10000 */
  sample?: number;
  /** Length of the candidate list. @default 20 */
  candidates?: number;
}

export interface InspectedFeature {
  name: string;
  unit: string;
  group: string;
  nominal: number;
  attacked: number;
  /** Training-split standard deviation of the input (the unit of eps). */
  sigma: number;
  /** (attacked − nominal) / sigma. */
  delta_sigma: number;
  frozen: boolean;
  /** Why the attack may not move it: an integer input, or an entry at its default value (no such track or vertex). */
  frozen_reason: 'integer' | 'default' | null;
}

export interface InspectedTrackRow {
  feature: string;
  /** Per track slot; a slot the schema lacks holds null and an empty name. */
  names: string[];
  nominal: Array<number | null>;
  attacked: Array<number | null>;
  delta_sigma: Array<number | null>;
  frozen: boolean[];
}

export interface InspectResult {
  run: string;
  data: string;
  /** The evaluated jets: the run's test split ('test') or every jet ('all'). */
  split: 'test' | 'all';
  /** Evaluated jets ranked and attacked together (after the sample cap). */
  pool: number;
  /** Whether the shown jet is one of them (else it was attacked alone). */
  in_pool: boolean;
  attack: { kind: AttackSpec['kind']; eps: number; key: string; mode: 'inference'; cached: boolean };
  jet: number;
  label: string;
  classes: string[];
  probs: { nominal: number[]; attacked: number[] };
  discriminants: Array<{ name: string; nominal: number; attacked: number }>;
  features: InspectedFeature[];
  tracks: { tracks: number; rows: InspectedTrackRow[] };
  candidates: { mode: Selection['mode'] } & Ranking;
}

/** Load the run, inspect, and release its weights. */
export async function inspectJet(runName: string, req: InspectRequest): Promise<InspectResult> {
  const run = loadRun(req.workspace, runName);
  try {
    return await inspectLoadedRun(run, req);
  } finally {
    run.model.dispose();
  }
}

function rowSlice(raw: Float32Array, k: number, F: number): Float32Array {
  return raw.slice(k * F, (k + 1) * F);
}

export async function inspectLoadedRun(run: LoadedRun, req: InspectRequest): Promise<InspectResult> {
  validateAttack(req.attack);
  const { data } = req;
  const { schema } = data;
  const F = schema.features.length;
  const C = schema.classes.length;
  const sample = req.sample ?? 10000;
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`The sample of jets to rank must be a positive integer, not ${sample}.`);
  if (req.jet !== undefined && (!Number.isInteger(req.jet) || req.jet < 0 || req.jet >= data.n)) {
    throw new Error(`Jet ${req.jet} is not a row of these data; give a row index 0..${data.n - 1}.`);
  }
  if (req.select.mode === 'index' && req.jet === undefined) throw new Error('Selecting by index needs a jet: give a row index of the data.');

  const evaluated = rowsForRun(run, data);
  const rows = evaluated.rows.slice(0, sample);
  const labels = gather(data.labels, rows);
  const attack = req.attack.eps > 0 ? await attackCached(req.workspace, run, data, rows, req.attack) : null;
  const nominal = predictRaw(run, schema, data.features, rows);
  const pool = { rows, labels, nominal, attacked: attack ? predictRaw(run, schema, attack.raw) : nominal };
  const ranking = rankCandidates(schema, pool, req.select, req.candidates ?? 20, req.jet ?? 0);
  const jet = req.jet ?? ranking.candidates[0]?.jet;
  if (jet === undefined) throw new Error(`No jets match (${ranking.description}) among the ${rows.length} evaluated jets; choose another class or data set.`);

  const nominalRaw = rowSlice(data.features, jet, F);
  const k = rows.indexOf(jet);
  let attackedRaw: Float32Array;
  if (!attack) attackedRaw = nominalRaw.slice();
  else if (k >= 0) attackedRaw = rowSlice(attack.raw, k, F);
  else {
    attackedRaw = attackJets({
      model: run.model, standardizer: run.standardizer, schema, loss: run.config.train.loss,
      raw: data.features, labels: data.labels, rows: [jet], spec: req.attack,
    }).raw;
  }
  const probsNominal = k >= 0 ? pool.nominal.slice(k * C, (k + 1) * C) : predictRaw(run, schema, nominalRaw);
  const probsAttacked = k >= 0 ? pool.attacked.slice(k * C, (k + 1) * C) : predictRaw(run, schema, attackedRaw);

  const frozen = frozenMask(data.features, schema, [jet]);
  const std = run.standardizer.std;
  const features: InspectedFeature[] = schema.features.map((f, j) => ({
    name: f.name,
    unit: f.unit,
    group: f.group,
    nominal: nominalRaw[j],
    attacked: attackedRaw[j],
    sigma: std[j],
    delta_sigma: (attackedRaw[j] - nominalRaw[j]) / std[j],
    frozen: frozen[j] === 1,
    frozen_reason: frozen[j] ? (f.integer ? 'integer' : 'default') : null,
  }));
  const layout = trackLayout(schema);
  const pick = <T>(cols: number[], get: (j: number) => T, missing: T) => cols.map((j) => (j < 0 ? missing : get(j)));
  const tracks = layout.quantities.map(({ feature, columns }) => ({
    feature,
    names: pick(columns, (j) => features[j].name, ''),
    nominal: pick<number | null>(columns, (j) => features[j].nominal, null),
    attacked: pick<number | null>(columns, (j) => features[j].attacked, null),
    delta_sigma: pick<number | null>(columns, (j) => features[j].delta_sigma, null),
    frozen: pick(columns, (j) => features[j].frozen, false),
  }));
  const label = Int32Array.of(data.labels[jet]);
  const discriminants = schema.discriminants.map((d) => ({
    name: d.name,
    nominal: discriminant(probsNominal, label, schema, d).values[0],
    attacked: discriminant(probsAttacked, label, schema, d).values[0],
  }));
  return {
    run: run.config.name,
    data: data.source.spec,
    split: evaluated.split,
    pool: rows.length,
    in_pool: k >= 0,
    attack: { kind: req.attack.kind, eps: req.attack.eps, key: attackKey(req.attack), mode: 'inference', cached: attack?.cached ?? false },
    jet,
    label: schema.classes[data.labels[jet]],
    classes: schema.classes,
    probs: { nominal: Array.from(probsNominal), attacked: Array.from(probsAttacked) },
    discriminants,
    features,
    tracks: { tracks: layout.tracks, rows: tracks },
    candidates: { mode: req.select.mode, ...ranking },
  };
}
