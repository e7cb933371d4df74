import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { loadWhole } from '../../engine/data/whole.ts';
import { runStudy } from '../../engine/study/run-study.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { CliError, makeOut } from '../output.ts';

export const studyCommand: CommandSpec = {
  name: 'study',
  usage: 'tagscape study [--quick] [--data FILE|synthetic:N] [--eps E] [--style cms|atlas|plain] --out DIR [--json]',
  options: {
    quick: { type: 'boolean' },
    data: { type: 'string' },
    eps: { type: 'string' },
    style: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--quick', 'small sizes (minutes); without it paper-like sizes (hours on a laptop)'],
    ['--data FILE|synthetic:N', 'jets (default synthetic:20000 with --quick, synthetic:200000 without)'],
    ['--eps E', 'adversarial-training eps in training sigma (default 0.1)'],
    ['--style cms|atlas|plain', 'figure style (default cms)'],
    ['--seed S', 'seed of data generation and training (default 1)'],
    ['--out DIR', 'empty output folder: figures/, study.json, report.html, workspace/'],
    ['--json', 'print the summary JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const dir = path.resolve(requireString(v, 'out', 'study'));
    const style = (v.style as string | undefined) ?? 'cms';
    if (!['cms', 'atlas', 'plain'].includes(style)) throw new CliError(`--style must be cms, atlas or plain, not "${style}".`, 2);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const seed = optionalNumber(v, 'seed', { integer: true, min: 0 }) ?? 1;
    const data = await loadWhole(String(v.data ?? (v.quick ? 'synthetic:20000' : 'synthetic:200000')), { seed, purpose: 'the study' });
    const t0 = performance.now();
    const { summary, figures } = await runStudy({
      out: dir, data, quick: Boolean(v.quick), eps: optionalNumber(v, 'eps', { min: 0 }), style: style as 'cms', seed,
      onProgress: (step) => out.note(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${step}`),
    });
    out.result(summary, `study written to ${dir}: ${figures.length} figure files, study.json, report.html`);
    return 0;
  },
};
