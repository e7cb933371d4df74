/**
 * The paper's study protocol, once: `tagscape study` (main/engine/study/run-study.ts) runs it, and the
 * window's first-launch button runs its quick size as jobs (shared/first-study.ts).
 */
import { TRAIN_DEFAULTS } from './train-defaults.ts';

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

export const MIN_SEEDS = 3;
/** Total width of the loss surfaces (training sigma): the largest eps the headline looks at. */
export const SURFACE_SPAN = 0.1;
export const STUDY_SEEDS = [1, 2, 3];
/** Adversarial training at the paper's eps (training sigma). */
export const STUDY_EPS = 0.01;
/**
 * The jets by default. The full study uses the embedded 20k synthetic jets on which a PyTorch run of the
 * same setup (40 epochs, FGSM training at eps 0.01) shows the paper's effect (issue 14); --quick uses half.
 */
export const STUDY_DATA = { full: 'synthetic:20000', quick: 'synthetic:10000' } as const;

export function studyConfig(quick: boolean, eps: number = STUDY_EPS): StudyConfig {
  const { batchSize } = TRAIN_DEFAULTS;
  const hidden = [...TRAIN_DEFAULTS.hidden];
  return quick
    ? { epochs: 10, batchSize, hidden, eps, attacks: ['fgsm', 'pgd', 'noise'], epsGrid: [0, 0.01, 0.02, 0.05, 0.1], surfaceJets: 200, grid: 41, curvatureJets: 150 }
    : { epochs: 40, batchSize, hidden, eps, attacks: ['fgsm', 'pgd', 'ngm', 'noise'], epsGrid: [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2], surfaceJets: 1000, grid: 101, curvatureJets: 500 };
}
