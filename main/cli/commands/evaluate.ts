import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { loadData } from '../../engine/data/load.ts';
import { evaluateRun, scoresCsv } from '../../engine/evaluate/evaluate-run.ts';
import { aucTable } from '../../engine/metrics/evaluate.ts';
import { writeFileAtomic } from '../../engine/store/atomic.ts';
import { requireString, type CommandSpec } from '../args.ts';
import { fmt, makeOut } from '../output.ts';

export const evaluateCommand: CommandSpec = {
  name: 'evaluate',
  summary: 'ROC, AUC, working points and confusion matrix of a run on jets',
  usage: 'tagscape evaluate --workspace DIR --run RUN --data FILE|synthetic:N [--scores-out FILE.csv] [--full] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string' },
    data: { type: 'string' },
    'scores-out': { type: 'string' },
    full: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'the run to evaluate'],
    ['--data FILE|synthetic:N', 'jets; on the run\'s own training file only its held-out test split is used'],
    ['--scores-out FILE.csv', 'per-jet probabilities and discriminants of exactly the evaluated jets'],
    ['--full', 'include ROC curves and discriminant shapes in the JSON'],
    ['--json', 'print the result as JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'evaluate'));
    const run = requireString(v, 'run', 'evaluate');
    const spec = requireString(v, 'data', 'evaluate');
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const data = await loadData(spec);
    const ev = evaluateRun(workspace, run, data);
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
