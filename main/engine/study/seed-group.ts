/**
 * Seed groups: the same training recipe repeated with several seeds, stored as runs `<name>-s<seed>`.
 * `train --seeds` writes them; `robustness`, `curvature`, `study` and the export figures accept the group
 * name `<name>` and take every `<name>-s<seed>` run in the workspace.
 */

import { aggregateByGroup } from '../robustness/aggregate-seeds.ts';
import { Workspace } from '../store/workspace.ts';

/** The largest count `--seeds N` accepts: more is almost certainly a typo for a seed list. */
const MAX_SEEDS = 100;

/** `--seeds N` is seeds 1..N; `--seeds 1,2,7` is that list (each a whole number >= 0, no repeats). */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  const seeds = t.includes(',')
    ? t.split(',').map((s) => s.trim()).map((s) => (/^\d+$/.test(s) ? Number(s) : NaN))
    : /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= MAX_SEEDS ? Array.from({ length: Number(t) }, (_, i) => i + 1) : [NaN];
  if (seeds.some((s) => !Number.isSafeInteger(s))) throw new Error(`--seeds must be a count N from 1 to ${MAX_SEEDS} (seeds 1..N) or a comma-separated list of whole numbers such as 1,2,7, not "${text}".`);
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds lists a seed twice: "${text}".`);
  return seeds;
}

export function seedRunName(group: string, seed: number): string {
  return `${group}-s${seed}`;
}

const SEED_RUN = /^(.+)-s(\d+)$/;

/** A run's group and seed by the naming convention; any other run is a group of its own (seed null). */
export function seedGroupOf(run: string): { group: string; seed: number | null } {
  const m = SEED_RUN.exec(run);
  return m ? { group: m[1], seed: Number(m[2]) } : { group: run, seed: null };
}

/**
 * The runs each requested name stands for: a run that exists is itself; otherwise a group name is every
 * `<name>-s<seed>` run in the workspace, by seed. Unknown names stay as they are (loading them then says
 * which runs exist). Each run appears once.
 */
export function expandSeedGroups(requested: string[], existing: string[]): string[] {
  const have = new Set(existing);
  const out: string[] = [];
  for (const name of requested) {
    const members = have.has(name)
      ? [name]
      : existing
          .filter((r) => seedGroupOf(r).group === name && seedGroupOf(r).seed !== null)
          .sort((a, b) => seedGroupOf(a).seed! - seedGroupOf(b).seed!);
    for (const r of members.length ? members : [name]) if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** True when some requested group stands for more than one run, i.e. results should be aggregated. */
export function formsSeedGroup(runs: string[]): boolean {
  const counts = new Map<string, number>();
  for (const r of runs) {
    const { group, seed } = seedGroupOf(r);
    if (seed !== null) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return [...counts.values()].some((n) => n > 1);
}

/** expandSeedGroups over the runs of a workspace. */
export function workspaceRuns(workspace: string, requested: string[]): string[] {
  return expandSeedGroups(requested, new Workspace(workspace).list());
}

/** Curvature of several seeds: mean ± sd over seeds of each group's per-run means. */
export function curvatureSeedGroups(results: Array<{ run: string; grad_norm_mean: number; hessian_top_eig_mean: number; loss_range_mean: number }>) {
  return aggregateByGroup(results.map((r) => ({ run: r.run, values: { grad_norm_mean: r.grad_norm_mean, hessian_top_eig_mean: r.hessian_top_eig_mean, loss_range_mean: r.loss_range_mean } })), seedGroupOf);
}
