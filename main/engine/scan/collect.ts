/**
 * A scan's results brought together: robustness curves as mean ± sample sd over seeds per grid point,
 * attack and ε (aggregateScan from robustness/aggregate-seeds.ts), the clean test AUCs and curvature the
 * same way, as JSON and as a text table, and the robustness figure with ±sd bands. Reads only finished
 * tasks' result files, so collecting twice (or while tasks still run) gives what is done so far.
 */
import { lineChart, meanBandSeries, type LineSeries } from '../../../shared/charts/lines.ts';
import { figureLabel, PETROFF10, type FigureLabel, type FigureSize, type StylePreset } from '../../../shared/charts/style.ts';
import { aggregateScan, meanSd, type AggregatedScanRow, type MeanSd } from '../robustness/aggregate-seeds.ts';
import type { ScanTask } from './grid.ts';
import type { ScanStore } from './store.ts';
import type { TaskResult } from './task.ts';

export interface GroupSummary {
  group: string;
  mode: ScanTask['mode'];
  eps: number | null;
  penalty: number | null;
  vary: Record<string, number>;
  seeds: number[];
  runs: string[];
  /** Tasks of this grid point without a result yet. */
  missing: number[];
  test_auc: Record<string, MeanSd>;
  curvature: { grad_norm: MeanSd; hessian_top_eig: MeanSd; loss_range: MeanSd; eps: number; jets: number } | null;
}

export interface ScanSummary {
  scan: string;
  data: string;
  tasks: number;
  complete: number;
  groups: GroupSummary[];
  /** Mean ± sd over seeds per group, attack, ε and discriminant. */
  robustness: AggregatedScanRow[];
}

export function collectScan(store: ScanStore): ScanSummary {
  const { definition, tasks } = store.read();
  const results = new Map<number, TaskResult>();
  for (const t of tasks) {
    const r = store.state(t.index)?.state === 'complete' ? store.result<TaskResult>(t.index) : null;
    if (r) results.set(t.index, r);
  }
  const byGroup = new Map<string, ScanTask[]>();
  for (const t of tasks) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
  const groups: GroupSummary[] = [...byGroup].map(([group, ts]) => {
    const done = ts.filter((t) => results.has(t.index)).map((t) => results.get(t.index)!);
    const discs = [...new Set(done.flatMap((r) => Object.keys(r.test_auc)))];
    const curv = done.map((r) => r.curvature).filter((c) => c !== null);
    return {
      group, mode: ts[0].mode, eps: ts[0].eps, penalty: ts[0].penalty, vary: ts[0].vary,
      seeds: done.map((r) => r.seed), runs: done.map((r) => r.run), missing: ts.filter((t) => !results.has(t.index)).map((t) => t.index),
      test_auc: Object.fromEntries(discs.map((d) => [d, meanSd(done.map((r) => r.test_auc[d]).filter((v): v is number => v !== null))])),
      curvature: curv.length
        ? { grad_norm: meanSd(curv.map((c) => c.grad_norm_mean)), hessian_top_eig: meanSd(curv.map((c) => c.hessian_top_eig_mean)), loss_range: meanSd(curv.map((c) => c.loss_range_mean)), eps: curv[0].eps, jets: curv[0].jets }
        : null,
    };
  });
  const seedOf = new Map<string, { group: string; seed: number }>();
  for (const r of results.values()) seedOf.set(r.run, { group: r.group, seed: r.seed });
  const rows = [...results.values()].flatMap((r) => r.robustness.map((x) => ({ run: r.run, attack: x.attack, eps: x.eps, auc: x.auc })));
  return { scan: store.name, data: definition.data, tasks: tasks.length, complete: results.size, groups, robustness: aggregateScan(rows, (run) => seedOf.get(run)!) };
}

/** mean ± sd: AUCs to fixed decimals, curvature (any magnitude) to significant digits. */
const pm = (m: MeanSd | undefined, significant = false) => {
  if (!m || !Number.isFinite(m.mean)) return 'n/a';
  const f = (x: number) => (significant ? x.toPrecision(3) : x.toFixed(4));
  return `${f(m.mean)} ± ${m.sd === null ? '—' : f(m.sd)}`;
};

/** The summary as a plain-text table: one block per grid point. */
export function summaryText(s: ScanSummary, disc = 'BvL'): string {
  const lines = [`scan ${s.scan}: ${s.complete}/${s.tasks} tasks complete; data ${s.data}; mean ± sample sd over seeds, ${disc} AUC`];
  for (const g of s.groups) {
    lines.push('', `${g.group}  (seeds ${g.seeds.join(',') || 'none yet'}${g.missing.length ? `; tasks without result: ${g.missing.join(',')}` : ''})`);
    lines.push(`  test AUC ${Object.entries(g.test_auc).map(([d, m]) => `${d} ${pm(m)}`).join('  ')}`);
    if (g.curvature) lines.push(`  curvature (${g.curvature.jets} jets, ε ${g.curvature.eps}): |∇ₓL| ${pm(g.curvature.grad_norm, true)}  top Hessian eig ${pm(g.curvature.hessian_top_eig, true)}  loss range ${pm(g.curvature.loss_range, true)}`);
    const rows = s.robustness.filter((r) => r.group === g.group);
    for (const attack of [...new Set(rows.map((r) => r.attack))]) {
      lines.push(`  ${attack.padEnd(6)} ${rows.filter((r) => r.attack === attack).map((r) => `ε=${r.eps}: ${pm(r.auc[disc])}`).join('   ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The figure label: the asked style, else neutral (synthetic jets are nobody's experiment's). */
export function scanLabel(s: ScanSummary, style?: StylePreset, extra: Partial<Pick<FigureLabel, 'status' | 'sqrtS' | 'right' | 'lines'>> = {}): FigureLabel {
  return figureLabel({ style, ...extra, lines: extra.lines ?? [`scan ${s.scan}, mean ± sd over seeds`] }, { synthetic: s.data.startsWith('synthetic:') });
}

/** AUC against ε with ±sd bands: one colour per grid point, one dash per attack (solid = the first). */
export function scanRobustnessChart(s: ScanSummary, opts: { discriminant?: string; attacks?: string[]; label?: FigureLabel; size?: FigureSize } = {}): Record<string, unknown> {
  const disc = opts.discriminant ?? 'BvL';
  const attacks = opts.attacks ?? [...new Set(s.robustness.map((r) => r.attack))];
  const series: LineSeries[] = [];
  s.groups.forEach((g, gi) => {
    attacks.forEach((a, k) => {
      const rows = s.robustness.filter((r) => r.group === g.group && r.attack === a && r.auc[disc] && Number.isFinite(r.auc[disc].mean)).sort((x, y) => x.eps - y.eps);
      if (rows.length === 0) return;
      series.push(meanBandSeries(`${g.group}, ${a.toUpperCase()} (${g.seeds.length} seeds)`, rows.map((r) => ({ x: r.eps, mean: r.auc[disc].mean, sd: r.auc[disc].sd })), {
        markers: true, dashed: k > 0, color: PETROFF10[gi % PETROFF10.length],
      }));
    });
  });
  if (series.length === 0) throw new Error(`Scan "${s.scan}" has no finished task with ${disc} AUCs yet; see \`tagscape scan status\`.`);
  return lineChart({
    series, x: { title: 'ε (training σ)', min: 0 }, y: { title: `${disc} AUC` },
    label: opts.label ?? scanLabel(s), size: opts.size,
  });
}
