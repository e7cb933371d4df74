import path from 'node:path';
import { attackKey } from '../../engine/attacks/spec.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadWhole } from '../../engine/data/whole.ts';
import { predictRaw, rowsForRun } from '../../engine/evaluate/evaluate-run.ts';
import { aucTable, evaluatePredictions } from '../../engine/metrics/evaluate.ts';
import { attackCached, writeAttackedSet } from '../../engine/robustness/attack-cache.ts';
import { shiftsOfRows } from '../../engine/robustness/input-shifts.ts';
import { loadRun } from '../../engine/store/run-model.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { ATTACK_OPTION_HELP, ATTACK_OPTION_SPEC, attackBase, attackKind, attackOptions } from '../attack-options.ts';
import { CliError, fmt, makeOut } from '../output.ts';
import { gather } from '../../engine/data/gather.ts';

export const attackCommand: CommandSpec = {
  name: 'attack',
  usage: 'tagscape attack --workspace DIR --run RUN --data FILE|synthetic:N --attack fgsm|ngm|pgd|noise|shift --eps E [--attack-run RUN2] [--out FILE.h5] [--full] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string' },
    data: { type: 'string' },
    attack: { type: 'string' },
    eps: { type: 'string' },
    'attack-run': { type: 'string' },
    out: { type: 'string' },
    full: { type: 'boolean' },
    json: { type: 'boolean' },
    ...ATTACK_OPTION_SPEC,
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'the run evaluated on the attacked jets'],
    ['--data FILE|synthetic:N', 'jets; on the run\'s training file only its test split is attacked'],
    ['--attack KIND', 'fgsm, ngm, pgd, noise or shift'],
    ['--eps E', 'size in units of each feature\'s training sigma'],
    ['--attack-run RUN2', 'generate the attack with another run\'s model (transfer); default: white-box'],
    ['--out FILE.h5', 'write the attacked jets (physical units, data-file layout, plus source_index)'],
    ['--full', 'include every feature\'s histograms raw vs attacked in the JSON'],
    ...ATTACK_OPTION_HELP,
    ['--json', 'print the result as JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'attack'));
    const runName = requireString(v, 'run', 'attack');
    const kind = attackKind(requireString(v, 'attack', 'attack'));
    const eps = optionalNumber(v, 'eps', { min: 0 });
    if (eps === undefined) throw new CliError('tagscape attack needs --eps.', 2);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const data = await loadWhole(requireString(v, 'data', 'attack'), { purpose: 'an attack' });
    const spec = { ...attackBase(v), kind, eps };
    const options = attackOptions(v, data.schema);
    const run = loadRun(workspace, runName);
    const attacker = v['attack-run'] ? loadRun(workspace, String(v['attack-run'])) : run;
    try {
      const { rows, split } = rowsForRun(run, data);
      const labels = gather(data.labels, rows);
      const attacked = await attackCached(workspace, attacker, data, rows, spec, options);
      const clean = evaluatePredictions(data.schema, predictRaw(run, data.schema, data.features, rows), labels);
      const after = evaluatePredictions(data.schema, predictRaw(run, data.schema, attacked.raw), labels);
      const shifts = shiftsOfRows(data, rows, attacked.raw, attacked.stats.mean_abs_delta_sigma);
      let file: string | undefined;
      if (v.out) {
        file = path.resolve(String(v.out));
        await writeAttackedSet(file, data, rows, attacked.raw, { attack: attackKey(spec), attack_run: attacker.config.name, evaluated_run: runName, data: data.source.spec });
      }
      const aucClean = aucTable(clean);
      const aucAttacked = aucTable(after);
      const result = {
        backend: backend.name,
        run: runName,
        attack_run: attacker.config.name,
        transfer: attacker !== run,
        attack: spec,
        attack_key: attackKey(spec),
        mode: attacked.stats.mode,
        mode_note: 'inference: dropout off while the attack is generated (evaluation-time attack)',
        split,
        jets: rows.length,
        frozen_fraction: attacked.stats.frozen_fraction,
        moved_fraction: attacked.stats.moved_fraction,
        auc_clean: aucClean,
        auc_attacked: aucAttacked,
        input_shifts: shifts.map(({ nominal, attacked: a, ...rest }) => (v.full ? { ...rest, nominal, attacked: a } : rest)).slice(0, v.full ? undefined : 10),
        cached: attacked.cached,
        out: file ?? null,
      };
      const human = [
        `${kind} eps=${eps} on run "${runName}"${attacker !== run ? ` (generated with "${attacker.config.name}")` : ''}, ${rows.length} jets, inference mode`,
        `  moved ${(100 * attacked.stats.moved_fraction).toFixed(1)}% of free entries; ${(100 * attacked.stats.frozen_fraction).toFixed(1)}% of entries frozen`,
        ...Object.keys(aucClean).map((d) => `  ${d}: AUC ${fmt(aucClean[d])} -> ${fmt(aucAttacked[d])}`),
        `  most moved: ${shifts.slice(0, 5).map((s) => `${s.name} ${s.mean_abs_delta_sigma.toFixed(3)} sigma`).join(', ')}`,
        ...(file ? [`  wrote ${file}`] : []),
      ];
      out.result(result, human.join('\n'));
    } finally {
      run.model.dispose();
      if (attacker !== run) attacker.model.dispose();
    }
    return 0;
  },
};
