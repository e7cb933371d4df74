import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { loadWhole } from '../../engine/data/whole.ts';
import { curvature } from '../../engine/landscape/curvature.ts';
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
    ['--run RUN', 'run(s), all measured on the same jets'],
    ['--data FILE|synthetic:N', 'jets'],
    ['--jets N', 'the first N evaluation jets (default 500)'],
    ['--class C', 'only jets of class C'],
    ['--eps E', 'half-width of the L-inf box for the loss range, in sigma (default 0.01)'],
    ['--power-steps K', 'power-iteration steps for the Hessian eigenvalue (default 30)'],
    ['--per-jet', 'include the per-jet values in the JSON'],
    ['--json', 'print {"results": [...]}'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'curvature'));
    const runs = (v.run as string[] | undefined) ?? [];
    if (runs.length === 0) throw new CliError('tagscape curvature needs at least one --run.', 2);
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
    out.result(
      { backend: backend.name, results: shown },
      results.map((r) => `${r.run.padEnd(16)} ${r.jets} jets  |grad| ${r.grad_norm_mean.toPrecision(4)}  top Hessian eig ${r.hessian_top_eig_mean.toPrecision(4)}  loss range (eps ${r.eps}) ${r.loss_range_mean.toPrecision(4)}`).join('\n'),
    );
    return 0;
  },
};
