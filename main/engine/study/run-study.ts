/**
 * The paper's study in one call: a nominal and an FGSM-trained tagger on the same jets, their
 * evaluation, a robustness scan over attacks and eps, a per-jet and an averaged loss surface with shared
 * directions, curvature, every figure as PDF and PNG, the numbers as JSON and a report.html.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StylePreset } from '../../../shared/charts/style.ts';
import { activeBackend } from '../backend.ts';
import type { JetDataset } from '../data/dataset.ts';
import { evaluateRun } from '../evaluate/evaluate-run.ts';
import { buildFigure, type FigureRequest, type PlotName } from '../export/figures.ts';
import { renderFigure } from '../export/render.ts';
import { curvature } from '../landscape/curvature.ts';
import { computeLandscape } from '../landscape/run-landscape.ts';
import { aucTable } from '../metrics/evaluate.ts';
import { robustnessScan } from '../robustness/scan.ts';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic.ts';
import { startTraining } from '../train/run.ts';
import type { TrainConfig } from '../train/config.ts';
import { TRAIN_DEFAULTS } from '../../../shared/train-defaults.ts';
import { TAGSCAPE_VERSION } from '../version.ts';
import { reportHtml } from './report.ts';

export interface StudyOptions {
  out: string;
  data: JetDataset;
  /** Small sizes that finish in minutes. */
  quick: boolean;
  /** Adversarial-training eps (training sigma). @default 0.1 */
  eps?: number;
  style?: StylePreset;
  seed?: number;
  onProgress?(step: string): void;
}

export interface StudyConfig {
  epochs: number;
  batchSize: number;
  hidden: number[];
  eps: number;
  attacks: Array<'fgsm' | 'pgd' | 'ngm' | 'noise'>;
  epsGrid: number[];
  surfaceJets: number;
  grid: number;
  curvatureJets: number;
}

export function studyConfig(quick: boolean, eps: number): StudyConfig {
  const { batchSize } = TRAIN_DEFAULTS;
  const hidden = [...TRAIN_DEFAULTS.hidden];
  return quick
    ? { epochs: 10, batchSize, hidden, eps, attacks: ['fgsm', 'pgd', 'noise'], epsGrid: [0, 0.02, 0.05, 0.1], surfaceJets: 200, grid: 41, curvatureJets: 300 }
    : { epochs: 30, batchSize, hidden, eps, attacks: ['fgsm', 'pgd', 'ngm', 'noise'], epsGrid: [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2], surfaceJets: 1000, grid: 101, curvatureJets: 1000 };
}

export async function runStudy(o: StudyOptions): Promise<{ summary: Record<string, unknown>; figures: string[] }> {
  const t0 = performance.now();
  const eps = o.eps ?? 0.1;
  const cfg = studyConfig(o.quick, eps);
  const out = path.resolve(o.out);
  const ws = path.join(out, 'workspace');
  if (fs.existsSync(path.join(ws, 'runs'))) throw new Error(`${out} already holds a study; choose an empty --out folder.`);
  fs.mkdirSync(path.join(out, 'figures'), { recursive: true });
  const progress = o.onProgress ?? (() => {});
  const train: Partial<TrainConfig> = { epochs: cfg.epochs, batchSize: cfg.batchSize, hidden: cfg.hidden, seed: o.seed ?? 1 };

  progress(`training the nominal tagger (${cfg.epochs} epochs)`);
  await startTraining({ workspace: ws, name: 'nominal', data: o.data, config: train });
  progress(`training the FGSM-trained tagger (eps ${eps})`);
  await startTraining({ workspace: ws, name: 'adversarial', data: o.data, config: { ...train, adversarial: { attack: 'fgsm', eps, fraction: 1, warmupEpochs: 0 } } });
  const runs = ['nominal', 'adversarial'];

  progress('evaluating');
  const evaluated = runs.map((r) => evaluateRun(ws, r, o.data));
  const evaluation = Object.fromEntries(runs.map((r, i) => [r, aucTable(evaluated[i].report)]));
  // The per-jet surface's jet: the nominal run's first test jet.
  const firstTestJet = evaluated[0].rows[0];
  progress(`robustness scan (${cfg.attacks.join(', ')} at eps ${cfg.epsGrid.join(', ')})`);
  const robustness = await robustnessScan({ workspace: ws, runs, data: o.data, attacks: cfg.attacks, eps: cfg.epsGrid });
  progress('loss surfaces');
  const perJet = await computeLandscape({ workspace: ws, runs, data: o.data, jets: undefined, jet: firstTestJet, directions: ['fgsm', 'random'], span: 2 * eps, grid: cfg.grid });
  const averaged = await computeLandscape({ workspace: ws, runs, data: o.data, jets: cfg.surfaceJets, directions: ['fgsm', 'random'], span: 2 * eps, grid: cfg.grid });
  writeJsonAtomic(path.join(out, 'surface-jet.json'), perJet);
  writeJsonAtomic(path.join(out, 'surface-mean.json'), averaged);
  progress('curvature');
  const curv = curvature({ workspace: ws, runs, data: o.data, jets: cfg.curvatureJets, eps: eps / 2 }).map(({ per_jet, ...rest }) => rest);

  progress('figures');
  const label = { preset: o.style ?? 'cms', status: 'Simulation Preliminary' } as const;
  const base: Omit<FigureRequest, 'plot'> = { workspace: ws, runs, data: o.data, label, attack: { kind: 'fgsm', eps }, attacks: cfg.attacks, eps: cfg.epsGrid, jets: cfg.curvatureJets };
  const plan: Array<{ file: string; req: FigureRequest }> = [
    { file: 'roc-BvL', req: { ...base, plot: 'roc', attack: undefined } },
    { file: 'roc-BvL-attacked', req: { ...base, plot: 'roc' } },
    { file: 'roc-BvC', req: { ...base, plot: 'roc', discriminant: 'BvC', attack: undefined } },
    { file: 'robustness-BvL', req: { ...base, plot: 'robustness', scan: robustness } },
    { file: 'shapes-BvL', req: { ...base, plot: 'shapes' } },
    { file: 'inputs', req: { ...base, plot: 'inputs' } },
    { file: 'history', req: { ...base, plot: 'history' } },
    { file: 'landscape-jet', req: { ...base, plot: 'landscape', surface: perJet } },
    { file: 'landscape-mean-nominal', req: { ...base, plot: 'landscape', surface: averaged } },
    { file: 'landscape-mean-adversarial', req: { ...base, plot: 'landscape', surface: { ...averaged, run: 'adversarial', loss: averaged.surfaces[1].loss } } },
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
    config: cfg,
    seconds: 0,
    evaluation,
    robustness,
    surfaces: { jet: perJet.jets[0], center_loss: perJet.surfaces.map((s) => ({ run: s.run, center_loss: s.center_loss })), mean_center_loss: averaged.surfaces.map((s) => ({ run: s.run, center_loss: s.center_loss })) },
    curvature: curv,
    figures,
  };
  summary.seconds = (performance.now() - t0) / 1000;
  writeJsonAtomic(path.join(out, 'study.json'), summary);
  writeFileAtomic(path.join(out, 'report.html'), reportHtml(summary));
  return { summary, figures };
}
