/**
 * The paper's study in one call: a nominal and an FGSM-trained tagger (eps 0.01, as in the paper) on the
 * same jets, each trained with several seeds (`nominal-s<seed>`, `adversarial-s<seed>`); their
 * evaluation and a robustness scan over attacks and eps for every seed, aggregated to mean ± sd; the
 * headline verdict (headline.ts); a per-jet and an averaged loss surface with shared directions and the
 * figures drawn from the first seed's pair; curvature of every seed; every figure as PDF and PNG, the
 * numbers as JSON and a report.html.
 */
import fs from 'node:fs';
import path from 'node:path';
import { figureLabel, type LabelRequest } from '../../../shared/charts/style.ts';
import { activeBackend } from '../backend.ts';
import type { JetDataset } from '../data/dataset.ts';
import { evaluateRun } from '../evaluate/evaluate-run.ts';
import { buildFigure, type FigureRequest, type PlotName } from '../export/figures.ts';
import { renderFigure } from '../export/render.ts';
import { curvature } from '../landscape/curvature.ts';
import { computeLandscape } from '../landscape/run-landscape.ts';
import { aucTable } from '../metrics/evaluate.ts';
import { aggregateByGroup } from '../robustness/aggregate-seeds.ts';
import { robustnessScan } from '../robustness/scan.ts';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic.ts';
import { startTraining } from '../train/run.ts';
import type { TrainConfig } from '../train/config.ts';
import { TAGSCAPE_VERSION } from '../version.ts';
import { headline } from './headline.ts';
import { reportHtml } from './report.ts';
import { MIN_SEEDS, STUDY_EPS, STUDY_SEEDS, SURFACE_SPAN, studyConfig } from '../../../shared/study-protocol.ts';
import { curvatureSeedGroups, seedGroupOf, seedRunName } from './seed-group.ts';

export interface StudyOptions {
  out: string;
  data: JetDataset;
  /** Small sizes that finish in minutes. */
  quick: boolean;
  /** Adversarial-training eps (training sigma), the paper's. @default 0.01 */
  eps?: number;
  /** Training seeds; the headline's seed spread needs at least MIN_SEEDS. @default [1, 2, 3] */
  seeds?: number[];
  /** What the user asked for in the figures' label; by default a neutral label (figureLabel). @default {} */
  label?: LabelRequest;
  onProgress?(step: string): void;
}

export async function runStudy(o: StudyOptions): Promise<{ summary: Record<string, unknown>; figures: string[] }> {
  const t0 = performance.now();
  const eps = o.eps ?? STUDY_EPS;
  const seeds = o.seeds ?? STUDY_SEEDS;
  if (seeds.length < MIN_SEEDS) throw new Error(`The study needs at least ${MIN_SEEDS} seeds for the seed spread of its headline, not ${seeds.length}.`);
  const cfg = studyConfig(o.quick, eps);
  const out = path.resolve(o.out);
  const ws = path.join(out, 'workspace');
  if (fs.existsSync(path.join(ws, 'runs'))) throw new Error(`${out} already holds a study; choose an empty --out folder.`);
  fs.mkdirSync(path.join(out, 'figures'), { recursive: true });
  const progress = o.onProgress ?? (() => {});
  const train: Partial<TrainConfig> = { epochs: cfg.epochs, batchSize: cfg.batchSize, hidden: cfg.hidden };
  const adversarial = { attack: 'fgsm', eps, fraction: 1, warmupEpochs: 0 } as const;

  const allRuns: string[] = [];
  for (const seed of seeds) {
    progress(`training the nominal tagger, seed ${seed} (${cfg.epochs} epochs)`);
    await startTraining({ workspace: ws, name: seedRunName('nominal', seed), data: o.data, config: { ...train, seed } });
    progress(`training the FGSM-trained tagger, seed ${seed} (eps ${eps})`);
    await startTraining({ workspace: ws, name: seedRunName('adversarial', seed), data: o.data, config: { ...train, seed, adversarial } });
    allRuns.push(seedRunName('nominal', seed), seedRunName('adversarial', seed));
  }
  // Surfaces, ROC, shapes, inputs, history and inspect figures: the first seed's pair.
  const runs = [seedRunName('nominal', seeds[0]), seedRunName('adversarial', seeds[0])];

  progress('evaluating');
  const evaluated = allRuns.map((r) => evaluateRun(ws, r, o.data));
  const evaluation = Object.fromEntries(allRuns.map((r, i) => [r, aucTable(evaluated[i].report)]));
  const evaluationGroups = aggregateByGroup(allRuns.map((run) => ({ run, values: evaluation[run] })), seedGroupOf);
  // The per-jet surface's jet: the first nominal run's first test jet.
  const firstTestJet = evaluated[0].rows[0];
  progress(`robustness scan of ${allRuns.length} runs (${cfg.attacks.join(', ')} at eps ${cfg.epsGrid.join(', ')})`);
  const robustness = await robustnessScan({ workspace: ws, runs: allRuns, data: o.data, attacks: cfg.attacks, eps: cfg.epsGrid });
  // The verdict is decided by the attack the adversarial model was trained against (FGSM), fixed in advance.
  const head = headline({ rows: robustness.seed_groups!, nominal: 'nominal', adversarial: 'adversarial', verdictAttacks: ['fgsm'], adversarialLabel: `FGSM-trained, ε = ${eps}` });
  progress('loss surfaces');
  const perJet = await computeLandscape({ workspace: ws, runs, data: o.data, jets: undefined, jet: firstTestJet, directions: ['fgsm', 'random'], span: SURFACE_SPAN, grid: cfg.grid });
  const averaged = await computeLandscape({ workspace: ws, runs, data: o.data, jets: cfg.surfaceJets, directions: ['fgsm', 'random'], span: SURFACE_SPAN, grid: cfg.grid });
  writeJsonAtomic(path.join(out, 'surface-jet.json'), perJet);
  writeJsonAtomic(path.join(out, 'surface-mean.json'), averaged);
  progress(`curvature of ${allRuns.length} runs`);
  const curv = curvature({ workspace: ws, runs: allRuns, data: o.data, jets: cfg.curvatureJets, eps: eps / 2 }).map(({ per_jet, ...rest }) => rest);

  progress('figures');
  const label = figureLabel(o.label ?? {}, { synthetic: o.data.source.kind === 'synthetic' });
  // FGSM at eps 0.05 for the attacked ROC, shapes, inputs and inspect figures: visible on a 0.01-trained model.
  const base: Omit<FigureRequest, 'plot'> = { workspace: ws, runs, data: o.data, label, attack: { kind: 'fgsm', eps: 0.05 }, attacks: cfg.attacks, eps: cfg.epsGrid, jets: cfg.curvatureJets };
  const plan: Array<{ file: string; req: FigureRequest }> = [
    { file: 'roc-BvL', req: { ...base, plot: 'roc', attack: undefined } },
    { file: 'roc-BvL-attacked', req: { ...base, plot: 'roc' } },
    { file: 'roc-BvC', req: { ...base, plot: 'roc', discriminant: 'BvC', attack: undefined } },
    { file: 'robustness-BvL', req: { ...base, plot: 'robustness', runs: allRuns, scan: robustness } },
    { file: 'shapes-BvL', req: { ...base, plot: 'shapes' } },
    { file: 'inputs', req: { ...base, plot: 'inputs' } },
    { file: 'history', req: { ...base, plot: 'history' } },
    { file: 'landscape-jet', req: { ...base, plot: 'landscape', surface: perJet } },
    { file: 'landscape-mean-nominal', req: { ...base, plot: 'landscape', surface: averaged } },
    { file: 'landscape-mean-adversarial', req: { ...base, plot: 'landscape', surface: { ...averaged, run: runs[1], loss: averaged.surfaces[1].loss } } },
    { file: 'landscape3d-mean', req: { ...base, plot: 'landscape3d' as PlotName, surface: averaged } },
    { file: 'inspect', req: { ...base, plot: 'inspect', jet: perJet.jets[0] } },
    { file: 'curvature', req: { ...base, plot: 'curvature' } },
  ];
  const figures: string[] = [];
  for (const { file, req } of plan) {
    progress(`figure ${file}`);
    const fig = await buildFigure(req);
    for (const format of ['pdf', 'png'] as const) {
      const target = path.join(out, 'figures', `${file}.${format}`);
      writeFileAtomic(target, await renderFigure(fig.option, format, { width: 600, height: 450, dpi: 200, title: fig.title }));
      figures.push(path.relative(out, target));
    }
  }
  const summary = {
    tagscape_version: TAGSCAPE_VERSION,
    backend: activeBackend(),
    data: { spec: o.data.source.spec, hash: o.data.source.hash, jets: o.data.n },
    config: { ...cfg, seeds },
    seconds: 0,
    headline: head,
    evaluation,
    evaluation_seed_groups: evaluationGroups,
    robustness,
    surfaces: { jet: perJet.jets[0], center_loss: perJet.surfaces.map((s) => ({ run: s.run, center_loss: s.center_loss })), mean_center_loss: averaged.surfaces.map((s) => ({ run: s.run, center_loss: s.center_loss })) },
    curvature: curv,
    curvature_seed_groups: curvatureSeedGroups(curv),
    figures,
  };
  summary.seconds = (performance.now() - t0) / 1000;
  writeJsonAtomic(path.join(out, 'study.json'), summary);
  writeFileAtomic(path.join(out, 'report.html'), reportHtml(summary));
  return { summary, figures };
}
