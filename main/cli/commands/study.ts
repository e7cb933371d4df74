import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { loadWhole } from '../../engine/data/whole.ts';
import { runStudy } from '../../engine/study/run-study.ts';
import { MIN_SEEDS, STUDY_DATA, STUDY_EPS, STUDY_SEEDS } from '../../../shared/study-protocol.ts';
import { parseSeeds } from '../../engine/study/seed-group.ts';
import type { StylePreset } from '../../../shared/charts/style.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { CliError, makeOut } from '../output.ts';

export const studyCommand: CommandSpec = {
  name: 'study',
  usage: 'tagscape study [--quick] [--data FILE|synthetic:N] [--eps E] [--seeds N|LIST] [--style cms|atlas|plain] [--status TEXT] --out DIR [--json]',
  options: {
    quick: { type: 'boolean' },
    data: { type: 'string' },
    eps: { type: 'string' },
    style: { type: 'string' },
    seeds: { type: 'string' },
    status: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--quick', 'smaller sizes (a few minutes): 10 epochs on 10k jets; without it the paper\'s protocol, 40 epochs on 20k jets'],
    ['--data FILE|synthetic:N', `jets (default ${STUDY_DATA.full}, ${STUDY_DATA.quick} with --quick; generated jets use seed 1)`],
    ['--eps E', `adversarial-training eps in training sigma (default ${STUDY_EPS}, the paper's)`],
    ['--seeds N|LIST', `training seeds, at least ${MIN_SEEDS}: N for 1..N or a list such as 1,2,7 (default ${STUDY_SEEDS.length})`],
    ['--style cms|atlas|plain, --status TEXT', 'figure label; default a neutral "Tagscape synthetic jets" label, never CMS/ATLAS unless asked'],
    ['--out DIR', 'empty output folder: figures/, study.json, report.html, workspace/'],
    ['--json', 'print the summary JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const dir = path.resolve(requireString(v, 'out', 'study'));
    const style = v.style as StylePreset | undefined;
    if (style !== undefined && !['cms', 'atlas', 'plain'].includes(style)) throw new CliError(`--style must be cms, atlas or plain, not "${style}".`, 2);
    let seeds = STUDY_SEEDS;
    try {
      if (v.seeds !== undefined) seeds = parseSeeds(String(v.seeds));
    } catch (e) {
      throw new CliError((e as Error).message, 2);
    }
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const data = await loadWhole(String(v.data ?? (v.quick ? STUDY_DATA.quick : STUDY_DATA.full)), { seed: 1, purpose: 'the study' });
    const t0 = performance.now();
    const { summary, figures } = await runStudy({
      out: dir, data, quick: Boolean(v.quick), eps: optionalNumber(v, 'eps', { min: 0 }), seeds, label: { style, status: v.status as string | undefined },
      onProgress: (step) => out.note(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${step}`),
    });
    out.result(summary, `${(summary.headline as { sentence: string }).sentence}\nstudy written to ${dir}: ${figures.length} figure files, study.json, report.html`);
    return 0;
  },
};
