import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { classCounts } from '../../engine/data/dataset.ts';
import { loadDataWithReport } from '../../engine/data/load.ts';
import { evaluateRunOnSource, scoresCsv } from '../../engine/evaluate/evaluate-run.ts';
import { externalDiscriminants } from '../../engine/evaluate/external.ts';
import { aucTable } from '../../engine/metrics/evaluate.ts';
import { writeFileAtomic } from '../../engine/store/atomic.ts';
import { requireString, type CommandSpec } from '../args.ts';
import { DATA_HELP, DATA_OPTIONS, openData } from '../data-options.ts';
import { CliError, fmt, makeOut, type Out } from '../output.ts';

export const evaluateCommand: CommandSpec = {
  name: 'evaluate',
  usage:
    'tagscape evaluate --workspace DIR --run RUN --data FILE|synthetic:N [--map MAPPING.json] [--stream] [--scores-out FILE.csv] [--full] [--json]\n' +
    '       tagscape evaluate --data FILE --external BRANCH[+BRANCH] [--map MAPPING.json] [--full] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string' },
    data: { type: 'string' },
    external: { type: 'string' },
    ...DATA_OPTIONS,
    'scores-out': { type: 'string' },
    full: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'the run to evaluate'],
    ['--data FILE|synthetic:N', 'jets; on the run\'s own training file only its held-out test split is used'],
    ['--external BRANCH', 'instead of a run: an existing tagger\'s b score in the file (e.g. Jet_btagDeepB, or Jet_btagDeepB_b+Jet_btagDeepB_bb), evaluated as BvL'],
    ...DATA_HELP,
    ['--scores-out FILE.csv', 'per-jet probabilities and discriminants of exactly the evaluated jets'],
    ['--full', 'include ROC curves and discriminant shapes in the JSON'],
    ['--json', 'print the result as JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    if (v.external !== undefined) return evaluateExternal(v, out);
    const workspace = path.resolve(requireString(v, 'workspace', 'evaluate'));
    const run = requireString(v, 'run', 'evaluate');
    const spec = requireString(v, 'data', 'evaluate');
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const data = await openData(spec, v, out);
    let ev;
    try {
      ev = await evaluateRunOnSource(workspace, run, data);
    } finally {
      await data.close();
    }
    if (v['scores-out']) writeFileAtomic(path.resolve(String(v['scores-out'])), scoresCsv(ev, data.schema));
    const r = ev.report;
    const auc = aucTable(r);
    const discriminants = r.discriminants.map(({ roc, shapes, ...rest }) => (v.full ? { ...rest, roc, shapes } : rest));
    const result = {
      backend: backend.name,
      run,
      data: data.source.spec,
      split: ev.split,
      jets: r.jets,
      class_counts: r.class_counts,
      auc,
      ...(data.weights ? { auc_weighted: Object.fromEntries(r.discriminants.map((d) => [d.name, d.auc_weighted ?? null])) } : {}),
      accuracy: r.accuracy,
      discriminants,
      confusion: r.confusion,
    };
    const lines = [
      `run "${run}" on ${r.jets} jets (${ev.split === 'test' ? 'held-out test split' : 'all jets'}), backend ${backend.name}`,
      ...r.discriminants.map((d) =>
        d.auc === null
          ? `  ${d.name}: ${d.reason}`
          : `  ${d.name}: AUC ${fmt(d.auc)}  eff at 10%/1%/0.1% mistag ${d.working_points!.map((w) => fmt(w.eff, 3)).join(' / ')}`,
      ),
    ];
    out.result(result, lines.join('\n'));
    return 0;
  },
};

/** `evaluate --external`: an existing tagger's score in the file (see engine/evaluate/external.ts). */
async function evaluateExternal(v: Record<string, unknown>, out: Out): Promise<number> {
  const name = requireString(v, 'external', 'evaluate');
  if (v.run !== undefined || v.workspace !== undefined) {
    throw new CliError('--external evaluates a tagger score stored in the data file; give it without --run and --workspace.', 2);
  }
  if (v['scores-out'] !== undefined) throw new CliError('--scores-out writes a run\'s class probabilities; with --external there are none.', 2);
  if (v.stream || v['block-rows'] !== undefined) throw new CliError('--stream and --block-rows apply to evaluating a run; --external reads the file whole.', 2);
  const spec = requireString(v, 'data', 'evaluate');
  const { data, external } = await loadDataWithReport(spec, { external: [name], map: v.map as string | undefined, allowMissingFeatures: true });
  const { discriminants, unscored } = externalDiscriminants(data, external[0].scores, name);
  const result = {
    run: null,
    external: name,
    data: data.source.spec,
    split: 'all',
    jets: data.n,
    jets_without_score: unscored,
    class_counts: classCounts(data),
    auc: Object.fromEntries(discriminants.map((d) => [d.name, d.auc])),
    discriminants: discriminants.map(({ roc, shapes, ...rest }) => (v.full ? { ...rest, roc, shapes } : rest)),
  };
  const lines = [
    `external tagger ${name} on ${data.n} jets of ${data.source.spec}`,
    ...discriminants.map((d) =>
      d.auc === null ? `  ${d.name}: ${d.reason}` : `  ${d.name}: AUC ${fmt(d.auc)}  eff at 10%/1%/0.1% mistag ${d.working_points!.map((w) => fmt(w.eff, 3)).join(' / ')}`,
    ),
  ];
  out.result(result, lines.join('\n'));
  return 0;
}
