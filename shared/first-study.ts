/**
 * The first-launch study's plan (renderer/src/state/first-study.ts runs it): the quick study's jobs on the
 * embedded jets, and when it moves from one step to the next. Plain data and pure functions, unit-tested.
 */
import type { JobInfo, Request } from './api/contract.ts';
import { STUDY_SEEDS, SURFACE_SPAN, studyConfig } from './study-protocol.ts';

/** The embedded synthetic set the app starts on. */
export const EMBEDDED_DATA = 'synthetic:20000';

type JobSpec = Request<'startJob'>['job'];

const QUICK = studyConfig(true);

/** The quick study's protocol (as `tagscape study --quick`, shared/study-protocol.ts) on the embedded jets, one seed per tagger. */
export const FIRST_STUDY = {
  data: EMBEDDED_DATA,
  runs: ['nominal', 'adversarial'],
  epochs: QUICK.epochs,
  /** Adversarial training at the paper's eps. */
  eps: QUICK.eps,
  seed: STUDY_SEEDS[0],
  attacks: QUICK.attacks.filter((a): a is 'fgsm' | 'pgd' | 'noise' => a !== 'ngm'),
  epsGrid: QUICK.epsGrid,
  /** The input shifts and the loss surfaces look at the largest eps the headline does. */
  probeEps: SURFACE_SPAN,
  surfaceJets: QUICK.surfaceJets,
  grid: QUICK.grid,
} as const;

/** The jobs of each step, in order: training first, then the scans that need the trained runs. */
export function firstStudyJobs(): { training: JobSpec[]; analysis: JobSpec[] } {
  const s = FIRST_STUDY;
  const [nominal, adversarial] = s.runs;
  return {
    training: [
      { kind: 'train', name: nominal, data: s.data, epochs: s.epochs, seed: s.seed },
      { kind: 'train', name: adversarial, data: s.data, epochs: s.epochs, seed: s.seed, adversarial: { attack: 'fgsm', eps: s.eps, fraction: 1, warmupEpochs: 0 } },
    ],
    analysis: [
      { kind: 'robustness', runs: [...s.runs], data: s.data, attacks: [...s.attacks], eps: [...s.epsGrid], shifts: { attack: 'fgsm', eps: s.probeEps } },
      { kind: 'landscape', runs: [...s.runs], data: s.data, jets: s.surfaceJets, directions: ['fgsm', 'random'], span: s.probeEps, grid: s.grid, curvature: true },
    ],
  };
}

export type StudyPhase = 'idle' | 'training' | 'analysis' | 'done' | 'failed';
export interface StudyState {
  phase: StudyPhase;
  training: string[];
  analysis: string[];
  error: string;
  /** Evaluate has shown the study's runs once by itself. */
  evaluated: boolean;
}

/** What the next phase is, given the jobs: pure, so it is unit-tested. */
export function nextPhase(s: StudyState, jobs: readonly JobInfo[]): { phase: StudyPhase; error: string } {
  const of = (ids: string[]) => ids.map((id) => jobs.find((j) => j.id === id));
  const check = (found: Array<JobInfo | undefined>) => {
    const bad = found.find((j) => j && (j.status === 'failed' || j.status === 'cancelled'));
    if (bad) return { phase: 'failed' as const, error: `${bad.label} ${bad.status === 'failed' ? `failed: ${bad.error ?? bad.message}` : 'was cancelled'}` };
    return found.every((j) => j?.status === 'complete') ? 'complete' : 'running';
  };
  if (s.phase === 'training' || s.phase === 'analysis') {
    // A job not heard of yet (its first event may come after startJob's reply) counts as running.
    const r = check(of(s.phase === 'training' ? s.training : s.analysis));
    if (typeof r === 'object') return r;
    if (r === 'complete') return { phase: s.phase === 'training' ? 'analysis' : 'done', error: '' };
  }
  return { phase: s.phase, error: s.error };
}
