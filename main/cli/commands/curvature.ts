import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { loadWhole } from '../../engine/data/whole.ts';
import { curvature } from '../../engine/landscape/curvature.ts';
import { curvatureSeedGroups, formsSeedGroup, workspaceRuns } from '../../engine/study/seed-group.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { CliError, makeOut } from '../output.ts';

export const curvatureCommand: CommandSpec = {
  name: 'curvature',
  usage: 'tagscape curvature --workspace DIR --run RUN [--run RUN2] --data FILE|synthetic:N [--jets N] [--class C] [--eps E] [--per-jet] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string', multiple: true },
    data: { type: 'string' },
    jets: { type: 'string' },
    class: { type: 'string' },
    eps: { type: 'string' },
    'power-steps': { type: 'string' },
    'per-jet': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'run(s), all measured on the same jets; a seed group name (RUN-s1, RUN-s2, ... from train --seeds) measures every seed and reports mean ± sd'],
    ['--data FILE|synthetic:N', 'jets'],
    ['--jets N', 'the first N evaluation jets (default 500)'],
    ['--class C', 'only jets of class C'],
    ['--eps E', 'half-width of the L-inf box for the loss range, in sigma (default 0.01)'],
    ['--power-steps K', 'power-iteration steps for the Hessian eigenvalue (default 30)'],
    ['--per-jet', 'include the per-jet values in the JSON'],
    ['--json', 'print {"results": [...], "seed_groups": [...] (with seed groups)}'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'curvature'));
    const requested = (v.run as string[] | undefined) ?? [];
    if (requested.length === 0) throw new CliError('tagscape curvature needs at least one --run.', 2);
    const runs = workspaceRuns(workspace, requested);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const data = await loadWhole(requireString(v, 'data', 'curvature'), { purpose: 'a curvature scan' });
    const results = curvature({
      workspace, runs, data,
      jets: optionalNumber(v, 'jets', { integer: true, min: 1 }),
      className: v.class as string | undefined,
      eps: optionalNumber(v, 'eps', { min: 0 }),
      powerSteps: optionalNumber(v, 'power-steps', { integer: true, min: 1 }),
    });
    const shown = results.map(({ per_jet, ...rest }) => (v['per-jet'] ? { ...rest, per_jet } : rest));
    const groups = formsSeedGroup(runs) ? curvatureSeedGroups(results) : null;
    const pm = (m: { mean: number; sd: number | null }) => `${m.mean.toPrecision(4)} ± ${m.sd === null ? 'n/a' : m.sd.toPrecision(2)}`;
    out.result(
      { backend: backend.name, results: shown, ...(groups ? { seed_groups: groups } : {}) },
      [
        ...results.map((r) => `${r.run.padEnd(16)} ${r.jets} jets  |grad| ${r.grad_norm_mean.toPrecision(4)}  top Hessian eig ${r.hessian_top_eig_mean.toPrecision(4)}  loss range (eps ${r.eps}) ${r.loss_range_mean.toPrecision(4)}`),
        ...(groups ?? []).map((g) => `${`${g.group} (${g.seeds.length} seeds)`.padEnd(16)} mean ± sd: |grad| ${pm(g.values.grad_norm_mean)}  top Hessian eig ${pm(g.values.hessian_top_eig_mean)}  loss range ${pm(g.values.loss_range_mean)}`),
      ].join('\n'),
    );
    return 0;
  },
};
