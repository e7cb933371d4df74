/**
 * How Inspect picks jets: by row, by a score among the jets of one true class, or by how much the attack
 * changed them. Every mode ranks the same pool (the jets the run is evaluated on, nominal and attacked
 * predictions side by side) and returns the top candidates.
 */
import { discriminant } from '../metrics/discriminants.ts';
import type { FeatureSchema } from '../schema/index.ts';

export type Selection =
  /** Browse by row: the candidates are the pool jets from the given row on, in data order. */
  | { mode: 'index' }
  /** Rank by a nominal score (a class probability or a discriminant), optionally among one true class. */
  | { mode: 'score'; score: string; order: 'highest' | 'lowest'; className?: string }
  /** Rank by |attacked − nominal| of the true-class probability ('true') or of a discriminant. */
  | { mode: 'changed'; metric: string; className?: string };

export interface Pool {
  /** Row in the data of each pool jet. */
  rows: Uint32Array;
  /** True class index of each pool jet. */
  labels: Int32Array;
  /** Class probabilities, pool.length x C, before and after the attack. */
  nominal: Float32Array;
  attacked: Float32Array;
}

export interface Candidate {
  jet: number;
  label: string;
  /** The quantity the mode orders by (index mode: the nominal true-class probability). */
  value: number;
  /** The score or metric itself, before and after the attack. */
  nominal: number;
  attacked: number;
}

export interface Ranking {
  /** What `nominal` and `attacked` of every candidate are, e.g. 'p(b)', 'BvL', 'p(true class)'. */
  metric: string;
  description: string;
  candidates: Candidate[];
}

/** One value per pool jet: 'true' = the true-class probability, a class name = its probability, else a discriminant. */
export function quantity(schema: FeatureSchema, probs: Float32Array, labels: Int32Array, name: string): Float64Array {
  const C = schema.classes.length;
  if (name === 'true') return Float64Array.from(labels, (c, i) => probs[i * C + c]);
  const cls = schema.classes.indexOf(name);
  if (cls >= 0) return Float64Array.from(labels, (_, i) => probs[i * C + cls]);
  const d = schema.discriminants.find((x) => x.name === name);
  if (!d) throw new Error(`"${name}" is neither a class (${schema.classes.join(', ')}) nor a discriminant (${schema.discriminants.map((x) => x.name).join(', ')}) of the ${schema.name} schema.`);
  return discriminant(probs, labels, schema, d).values;
}

function metricName(schema: FeatureSchema, name: string): string {
  if (name === 'true') return 'p(true class)';
  return schema.classes.includes(name) ? `p(${name})` : name;
}

function classFilter(schema: FeatureSchema, className?: string): number {
  if (className === undefined) return -1;
  const c = schema.classes.indexOf(className);
  if (c < 0) throw new Error(`Unknown class "${className}"; classes: ${schema.classes.join(', ')}.`);
  return c;
}

/**
 * The top `count` candidates of a mode. Ties keep pool order, so the answer is the same on every call.
 * `from` (index mode) is the data row the list starts at.
 */
export function rankCandidates(schema: FeatureSchema, pool: Pool, sel: Selection, count: number, from = 0): Ranking {
  const label = (k: number) => schema.classes[pool.labels[k]];
  const make = (k: number, value: number, nom: Float64Array, att: Float64Array): Candidate => ({ jet: pool.rows[k], label: label(k), value, nominal: nom[k], attacked: att[k] });
  const n = pool.rows.length;
  if (sel.mode === 'index') {
    const nom = quantity(schema, pool.nominal, pool.labels, 'true');
    const att = quantity(schema, pool.attacked, pool.labels, 'true');
    const order = Array.from({ length: n }, (_, k) => k).filter((k) => pool.rows[k] >= from).sort((a, b) => pool.rows[a] - pool.rows[b]);
    return {
      metric: metricName(schema, 'true'),
      description: `evaluated jets from row ${from} on, in data order`,
      candidates: order.slice(0, count).map((k) => make(k, nom[k], nom, att)),
    };
  }
  const name = sel.mode === 'score' ? sel.score : sel.metric;
  const cls = classFilter(schema, sel.className);
  const nom = quantity(schema, pool.nominal, pool.labels, name);
  const att = quantity(schema, pool.attacked, pool.labels, name);
  const value = sel.mode === 'score' ? nom : Float64Array.from(nom, (v, k) => Math.abs(att[k] - v));
  const sign = sel.mode === 'score' && sel.order === 'lowest' ? 1 : -1;
  const order = Array.from({ length: n }, (_, k) => k)
    .filter((k) => cls < 0 || pool.labels[k] === cls)
    .sort((a, b) => sign * (value[a] - value[b]) || a - b);
  const among = cls < 0 ? 'all evaluated jets' : `true ${sel.className} jets`;
  const description = sel.mode === 'score'
    ? `${sel.order} nominal ${metricName(schema, name)} among ${among}`
    : `largest |Δ ${metricName(schema, name)}| from the attack among ${among}`;
  return { metric: metricName(schema, name), description, candidates: order.slice(0, count).map((k) => make(k, value[k], nom, att)) };
}
