/**
 * The Data page's jet table over a source of jets (loaded whole, or a file read from disk): which jets
 * match the flavour and value filters, in which order, and one window of them at a time, so a million
 * jets scroll in the window while only the rows in view cross the API. The order needs only the columns
 * it sorts and filters by (an input's column is read in one pass; flavours and scores are in memory), and
 * a window reads only its rows. The order is computed once per query and reused for every page of it
 * (jetTableOrder is cached by the caller).
 */
import type { JetDataset } from './dataset.ts';
import { asSource, readColumn, readRowsAt, type JetSource } from './source.ts';

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

/** Input `f` of every jet; the caller may cache the columns it reads. @default readColumn, one pass over the source */
export type ColumnReader = (f: number) => Promise<Float32Array>;

/**
 * A column's values by jet (null for 'jet', whose value is the row itself), checked before anything is
 * read; throws a sentence for an unknown column.
 */
function columnOf(src: JetSource, column: string, scores: JetScores | undefined, readInput: ColumnReader): () => Promise<ArrayLike<number> | null> {
  if (column === 'jet') return async () => null;
  if (column === 'flavour') return async () => src.labels;
  if (column === 'score') {
    if (!scores) throw new Error('Sorting or filtering by score needs a run: choose one whose scores to show.');
    return async () => scores.values;
  }
  const f = src.schema.features.findIndex((x) => x.name === column);
  if (f < 0) throw new Error(`The data has no column "${column}"; sort or filter by jet, flavour, score or one of its inputs.`);
  return () => readInput(f);
}

/** The matching jets' rows in the asked order (ties in data order). */
export async function jetTableOrder(data: JetDataset | JetSource, q: JetTableQuery, scores?: JetScores, readInput?: ColumnReader): Promise<Uint32Array> {
  const d = asSource(data);
  const read = readInput ?? ((f: number) => readColumn(d, f));
  const unknown = q.classes?.find((c) => !d.schema.classes.includes(c));
  if (unknown) throw new Error(`The data has no flavour "${unknown}"; its flavours are ${d.schema.classes.join(', ')}.`);
  const allowed = q.classes ? new Set(q.classes.map((c) => d.schema.classes.indexOf(c))) : null;
  const sort = q.sort ?? { column: 'jet', order: 'asc' };
  // Both columns are checked before either is read.
  const rangeColumn = q.range ? columnOf(d, q.range.column, scores, read) : null;
  const sortColumn = columnOf(d, sort.column, scores, read);
  let keep: ((i: number) => boolean) | null = allowed ? (i) => allowed.has(d.labels[i]) : null;
  if (q.range && rangeColumn) {
    const values = await rangeColumn();
    const value = values ? (i: number) => values[i] : (i: number) => i;
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
  const key = await sortColumn();
  if (!key) return sort.order === 'asc' ? order : order.reverse();
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

/** Rows [offset, offset + limit) of an order: only those jets' inputs are read. */
export async function jetTablePage(data: JetDataset | JetSource, order: Uint32Array, offset: number, limit: number, scores?: JetScores): Promise<{ total: number; matched: number; rows: JetTableRow[] }> {
  const d = asSource(data);
  const F = d.schema.features.length;
  const jets = order.subarray(offset, Math.min(order.length, offset + limit));
  const values = await readRowsAt(d, jets);
  const rows = Array.from(jets, (i, k) => {
    const row: JetTableRow = { jet: i, label: d.schema.classes[d.labels[i]], values: Array.from(values.subarray(k * F, (k + 1) * F)) };
    if (scores) row.score = scores.values[i];
    return row;
  });
  return { total: d.n, matched: order.length, rows };
}
