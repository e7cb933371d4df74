import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { openForRows } from '../../engine/data/whole.ts';
import { robustnessScan } from '../../engine/robustness/scan.ts';
import { workspaceRuns } from '../../engine/study/seed-group.ts';
import { numberList, requireString, type CommandSpec } from '../args.ts';
import { ATTACK_OPTION_HELP, ATTACK_OPTION_SPEC, attackBase, attackKind, attackOptions } from '../attack-options.ts';
import { bar, CliError, fmt, makeOut } from '../output.ts';

export const robustnessCommand: CommandSpec = {
  name: 'robustness',
  usage: 'tagscape robustness --workspace DIR --run RUN [--run RUN2 ...] --data FILE|synthetic:N --attacks fgsm,pgd,noise --eps 0,0.01,0.05 [--attack-run RUN] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string', multiple: true },
    data: { type: 'string' },
    attacks: { type: 'string' },
    eps: { type: 'string' },
    'attack-run': { type: 'string' },
    json: { type: 'boolean' },
    ...ATTACK_OPTION_SPEC,
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'a run to scan (repeat for several); a seed group name (runs RUN-s1, RUN-s2, ... from train --seeds) scans every seed and reports mean ± sd'],
    ['--data FILE|synthetic:N', 'jets; on a run\'s training file only its test split is used'],
    ['--attacks LIST', 'comma-separated: fgsm, ngm, pgd, noise, shift'],
    ['--eps LIST', 'comma-separated sizes in training sigma; 0 = clean inputs'],
    ['--attack-run RUN', 'generate every attack with this run (transfer); default: white-box'],
    ...ATTACK_OPTION_HELP,
    ['--json', 'print {"backend", "results": [...], "worst_case": [...], "seed_groups": [...] (with seed groups)}'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'robustness'));
    const requested = (v.run as string[] | undefined) ?? [];
    if (requested.length === 0) throw new CliError('tagscape robustness needs at least one --run.', 2);
    const runs = workspaceRuns(workspace, requested);
    const attacks = requireString(v, 'attacks', 'robustness').split(',').map((a) => attackKind(a.trim(), '--attacks'));
    const eps = numberList(v, 'eps');
    if (!eps || eps.some((e) => e < 0)) throw new CliError('--eps needs a comma-separated list of sizes >= 0.', 2);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    // Only the evaluated rows are read from an HDF5 or Parquet file.
    const data = await openForRows(requireString(v, 'data', 'robustness'), { purpose: 'a robustness scan' });
    const scan = await robustnessScan({
      workspace, runs, data, attacks, eps, attackRun: v['attack-run'] as string | undefined,
      base: attackBase(v), options: attackOptions(v, data.schema),
      onProgress: (done, total, label) => out.progress.update(`${bar(done / total)} ${label}`),
    }).finally(() => data.close());
    const discs = Object.keys(scan.results[0]?.auc ?? {});
    const human = [
      `${'run'.padEnd(14)} ${'attack'.padEnd(7)} ${'eps'.padStart(7)}  ${discs.map((d) => d.padStart(7)).join(' ')}`,
      ...scan.results.map((r) => `${r.run.padEnd(14)} ${r.attack.padEnd(7)} ${String(r.eps).padStart(7)}  ${discs.map((d) => fmt(r.auc[d]).padStart(7)).join(' ')}`),
    ];
    if (scan.seed_groups) {
      const sd = (x: { sd: number | null }) => (x.sd === null ? 'n/a' : x.sd.toFixed(4));
      human.push('', `${'group (seeds)'.padEnd(20)} ${'attack'.padEnd(7)} ${'eps'.padStart(7)}  ${discs.map((d) => `${d} mean ± sd`.padStart(17)).join(' ')}`);
      for (const g of scan.seed_groups) {
        human.push(`${`${g.group} (${g.seeds.length || 1})`.padEnd(20)} ${g.attack.padEnd(7)} ${String(g.eps).padStart(7)}  ${discs.map((d) => `${fmt(g.auc[d]?.mean)} ± ${sd(g.auc[d] ?? { sd: null })}`.padStart(17)).join(' ')}`);
      }
    }
    out.result({ backend: backend.name, results: scan.results, worst_case: scan.worst_case, ...(scan.seed_groups ? { seed_groups: scan.seed_groups } : {}) }, human.join('\n'));
    return 0;
  },
};
