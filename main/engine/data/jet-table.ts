/**
 * The Data page's jet table over the engine's copy of the jets: which jets match the flavour and value
 * filters, in which order, and one window of them at a time, so a million jets scroll in the window
 * while only the rows in view cross the API. The order is computed once per query and reused for
 * every page of it (jetTableOrder is cached by the caller).
 */
import type { JetDataset } from './dataset.ts';

export interface JetTableQuery {
  /** A column: 'jet' (the data row), 'flavour', 'score' (a run's discriminant, when given) or an input's name. @default jet, ascending */
  sort?: { column: string; order: 'asc' | 'desc' };
  /** Only these flavours. @default every flavour */
  classes?: string[];
  /** Only jets whose value in this column lies in [min, max]. */
  range?: { column: string; min?: number; max?: number };
}

/** A run's per-jet score, for the 'score' column. */
export interface JetScores {
  run: string;
  discriminant: string;
  values: Float64Array;
}

export interface JetTableRow {
  jet: number;
  label: string;
  values: number[];
  score?: number;
}

/** The value of a column for jet i, as a reader over the dataset; throws a sentence for an unknown column. */
function columnReader(d: JetDataset, column: string, scores?: JetScores): (i: number) => number {
  const F = d.schema.features.length;
  if (column === 'jet') return (i) => i;
  if (column === 'flavour') return (i) => d.labels[i];
  if (column === 'score') {
    if (!scores) throw new Error('Sorting or filtering by score needs a run: choose one whose scores to show.');
    return (i) => scores.values[i];
  }
  const f = d.schema.features.findIndex((x) => x.name === column);
  if (f < 0) throw new Error(`The data has no column "${column}"; sort or filter by jet, flavour, score or one of its inputs.`);
  return (i) => d.features[i * F + f];
}

/** The matching jets' rows in the asked order (ties in data order). */
export function jetTableOrder(d: JetDataset, q: JetTableQuery, scores?: JetScores): Uint32Array {
  let keep: ((i: number) => boolean) | null = null;
  if (q.classes) {
    const unknown = q.classes.find((c) => !d.schema.classes.includes(c));
    if (unknown) throw new Error(`The data has no flavour "${unknown}"; its flavours are ${d.schema.classes.join(', ')}.`);
    const allowed = new Set(q.classes.map((c) => d.schema.classes.indexOf(c)));
    keep = (i) => allowed.has(d.labels[i]);
  }
  if (q.range) {
    const value = columnReader(d, q.range.column, scores);
    const lo = q.range.min ?? -Infinity;
    const hi = q.range.max ?? Infinity;
    const inClass = keep;
    keep = (i) => (!inClass || inClass(i)) && value(i) >= lo && value(i) <= hi;
  }
  // Filled in place rather than through a growing array of numbers (8+ bytes a jet, 1M jets and more).
  const all = new Uint32Array(d.n);
  let matched = 0;
  for (let i = 0; i < d.n; i++) if (!keep || keep(i)) all[matched++] = i;
  const order = matched === d.n ? all : all.slice(0, matched);
  const sort = q.sort ?? { column: 'jet', order: 'asc' };
  if (sort.column === 'jet') return sort.order === 'asc' ? order : order.reverse();
  const read = columnReader(d, sort.column, scores);
  const key = new Float64Array(d.n);
  for (const i of order) key[i] = read(i);
  const sign = sort.order === 'asc' ? 1 : -1;
  // NaN last in either order.
  return order.sort((a, b) => {
    const x = key[a];
    const y = key[b];
    if (x !== y) {
      if (Number.isNaN(x)) return 1;
      if (Number.isNaN(y)) return -1;
      return sign * (x < y ? -1 : 1);
    }
    return a - b;
  });
}

/** Rows [offset, offset + limit) of an order. */
export function jetTablePage(d: JetDataset, order: Uint32Array, offset: number, limit: number, scores?: JetScores): { total: number; matched: number; rows: JetTableRow[] } {
  const F = d.schema.features.length;
  const rows: JetTableRow[] = [];
  for (const i of order.subarray(offset, Math.min(order.length, offset + limit))) {
    const row: JetTableRow = { jet: i, label: d.schema.classes[d.labels[i]], values: Array.from(d.features.subarray(i * F, (i + 1) * F)) };
    if (scores) row.score = scores.values[i];
    rows.push(row);
  }
  return { total: d.n, matched: order.length, rows };
}
