/**
 * Seed aggregation: curves measured once per training seed become one mean curve with its spread.
 *
 * General API (also used by `tagscape scan`'s collect):
 *   aggregateCurves(curves: SeedCurve[]): AggregatedCurve[]
 *     input: one curve per (group, seed), points [x, y] (y null = undefined there, left out);
 *     output: one curve per group, in first-seen order, with at each x (sorted ascending) the mean,
 *     the sample standard deviation sd (n - 1 in the denominator; null with fewer than 2 values), n and
 *     the per-seed values. A group is any string key: a run group, "nominal|fgsm|BvL", ...
 *   meanSd(values): { mean, sd, n } of finite values, the same rule.
 *   aggregateByGroup(records, groupOf): named numbers per run (e.g. curvature's grad_norm_mean) become
 *     mean ± sd per group and name.
 *
 * Robustness scans: aggregateScan(rows, groupOf) turns the rows of a scan over several seeds of each model
 * into mean ± sd per model group, attack, eps and discriminant; groupOf maps a run name to its group and
 * seed (seedGroupOf in study/seed-group.ts reads the `<name>-s<seed>` convention).
 *
 * Why the sample sd: a handful of seeds estimates the seed-to-seed spread of one training recipe, and
 * the population formula would understate it. It is the spread, not the error of the mean.
 */

export interface SeedCurve {
  /** What the seeds are repeats of. */
  group: string;
  seed: number;
  points: Array<[number, number | null]>;
}

export interface MeanSd {
  mean: number;
  /** Sample standard deviation over seeds; null with fewer than 2 values. */
  sd: number | null;
  n: number;
}

export interface BandPoint extends MeanSd {
  x: number;
  /** The per-seed values at x, in the order of `seeds`' curves that have one. */
  values: number[];
}

export interface AggregatedCurve {
  group: string;
  seeds: number[];
  points: BandPoint[];
}

export function meanSd(values: Iterable<number>): MeanSd {
  const v = [...values].filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: null, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

export function aggregateCurves(curves: SeedCurve[]): AggregatedCurve[] {
  const groups = new Map<string, SeedCurve[]>();
  for (const c of curves) {
    if (!groups.has(c.group)) groups.set(c.group, []);
    const list = groups.get(c.group)!;
    if (list.some((x) => x.seed === c.seed)) throw new Error(`Seed ${c.seed} appears twice in group "${c.group}".`);
    list.push(c);
  }
  return [...groups].map(([group, list]) => {
    const byX = new Map<number, number[]>();
    for (const c of list) {
      for (const [x, y] of c.points) {
        if (!byX.has(x)) byX.set(x, []);
        if (y !== null && Number.isFinite(y)) byX.get(x)!.push(y);
      }
    }
    const points = [...byX].sort((a, b) => a[0] - b[0]).map(([x, values]) => ({ x, values, ...meanSd(values) }));
    return { group, seeds: list.map((c) => c.seed), points };
  });
}

/** The part of a robustness scan row aggregation reads (ScanRow satisfies it). */
export interface SeedScanRow {
  run: string;
  attack: string;
  eps: number;
  auc: Record<string, number | null>;
}

export interface AggregatedScanRow {
  group: string;
  attack: string;
  eps: number;
  seeds: number[];
  runs: string[];
  /** Per discriminant: mean, sd and n over the seeds that define it. */
  auc: Record<string, MeanSd>;
}

/**
 * Mean ± sd over seeds per model group, attack, eps and discriminant. Rows of runs groupOf does not
 * place in a group are their own group of one (seed null).
 */
export function aggregateScan(rows: SeedScanRow[], groupOf: (run: string) => { group: string; seed: number | null }): AggregatedScanRow[] {
  const out = new Map<string, { row: AggregatedScanRow; values: Record<string, number[]> }>();
  for (const r of rows) {
    const { group, seed } = groupOf(r.run);
    const key = `${group}\u0000${r.attack}\u0000${r.eps}`;
    if (!out.has(key)) out.set(key, { row: { group, attack: r.attack, eps: r.eps, seeds: [], runs: [], auc: {} }, values: {} });
    const entry = out.get(key)!;
    if (entry.row.runs.includes(r.run)) throw new Error(`Run "${r.run}" appears twice at ${r.attack} eps ${r.eps}.`);
    entry.row.runs.push(r.run);
    if (seed !== null) entry.row.seeds.push(seed);
    for (const [d, v] of Object.entries(r.auc)) {
      entry.values[d] ??= [];
      if (v !== null) entry.values[d].push(v);
    }
  }
  return [...out.values()].map(({ row, values }) => ({ ...row, auc: Object.fromEntries(Object.entries(values).map(([d, v]) => [d, meanSd(v)])) }));
}

export interface AggregatedRecord {
  group: string;
  seeds: number[];
  runs: string[];
  values: Record<string, MeanSd>;
}

/** Named numbers per run, mean ± sd per group and name (groups in first-seen order). */
export function aggregateByGroup(records: Array<{ run: string; values: Record<string, number | null> }>, groupOf: (run: string) => { group: string; seed: number | null }): AggregatedRecord[] {
  const rows = aggregateScan(records.map((r) => ({ run: r.run, attack: '', eps: 0, auc: r.values })), groupOf);
  return rows.map(({ group, seeds, runs, auc }) => ({ group, seeds, runs, values: auc }));
}
