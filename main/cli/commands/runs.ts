import fs from 'node:fs';
import path from 'node:path';
import { summariseRun } from '../../engine/store/run-summary.ts';
import { Workspace } from '../../engine/store/workspace.ts';
import { requireString, type CommandSpec } from '../args.ts';
import { CliError, fmt, makeOut } from '../output.ts';

export const runsCommand: CommandSpec = {
  name: 'runs',
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
    const runs = ws.list().map((name) => summariseRun(ws, name));
    const human = runs.length
      ? runs.map((r) => `${r.name.padEnd(20)} ${r.status.padEnd(11)} ${String(r.epochs_done).padStart(3)}/${r.epochs_target} epochs  BvL ${fmt(r.test_auc?.BvL ?? null)}`).join('\n')
      : `no runs in ${root}`;
    out.result({ workspace: root, runs }, human);
    return 0;
  },
};
