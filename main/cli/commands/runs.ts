import fs from 'node:fs';
import path from 'node:path';
import type { EvaluationReport } from '../../engine/metrics/evaluate.ts';
import type { RunConfig } from '../../engine/train/run.ts';
import { Workspace } from '../../engine/store/workspace.ts';
import { requireString, type CommandSpec } from '../args.ts';
import { CliError, fmt, makeOut } from '../output.ts';

export const runsCommand: CommandSpec = {
  name: 'runs',
  summary: 'list the runs of a workspace with status and key metrics',
  usage: 'tagscape runs --workspace DIR [--json]',
  options: { workspace: { type: 'string' }, json: { type: 'boolean' } },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--json', 'print {"runs": [...]} on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const root = path.resolve(requireString(v, 'workspace', 'runs'));
    if (!fs.existsSync(root)) throw new CliError(`Workspace ${root} does not exist.`);
    const ws = new Workspace(root);
    const runs = ws.list().map((name) => {
      const config = ws.readJson<RunConfig>(name, 'config.json');
      const status = ws.status(name);
      const metrics = ws.readJsonIfExists<EvaluationReport>(name, 'metrics.json');
      return {
        name,
        status: status.status,
        epochs_done: status.epochs_done,
        epochs_target: config.train.epochs,
        stopped_early: status.stopped_early ?? false,
        error: status.error,
        backend: config.backend,
        schema: config.schema,
        data: config.data.spec,
        seed: config.train.seed,
        created: config.created,
        updated: status.updated,
        checkpoints: ws.checkpoints(name).length,
        test_auc: metrics ? Object.fromEntries(metrics.discriminants.map((d) => [d.name, d.auc])) : null,
      };
    });
    const human = runs.length
      ? runs.map((r) => `${r.name.padEnd(20)} ${r.status.padEnd(11)} ${String(r.epochs_done).padStart(3)}/${r.epochs_target} epochs  BvL ${fmt(r.test_auc?.BvL ?? null)}`).join('\n')
      : `no runs in ${root}`;
    out.result({ workspace: root, runs }, human);
    return 0;
  },
};
