/**
 * The first-launch study: with an empty workspace, one button runs the paper's `study` protocol on the
 * embedded jets as ordinary jobs, through the same job operations as the pages: a nominal and an
 * FGSM-trained tagger (one seed each, so it finishes in minutes), then a robustness scan of both and
 * their averaged loss surface with curvature. The pages fill in as the results arrive. Its progress is
 * persisted with the job ids, so a reloaded window (jobs outlive it) carries on where it was.
 */
import { computed } from 'vue';
import type { JobInfo, Request } from '../../../shared/api/contract.ts';
import type { TagscapeClient } from '../client/client.ts';
import { EMBEDDED_DATA } from './data-source.ts';
import { persisted } from './persisted.ts';

type JobSpec = Request<'startJob'>['job'];

/** The quick study's sizes (as `tagscape study --quick`), one seed per tagger. */
export const FIRST_STUDY = {
  data: EMBEDDED_DATA,
  runs: ['nominal', 'adversarial'],
  epochs: 10,
  eps: 0.1,
  seed: 1,
  attacks: ['fgsm', 'pgd', 'noise'] as Array<'fgsm' | 'pgd' | 'noise'>,
  epsGrid: [0, 0.02, 0.05, 0.1],
  surfaceJets: 200,
  grid: 41,
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
      { kind: 'robustness', runs: [...s.runs], data: s.data, attacks: [...s.attacks], eps: [...s.epsGrid], shifts: { attack: 'fgsm', eps: s.eps } },
      { kind: 'landscape', runs: [...s.runs], data: s.data, jets: s.surfaceJets, directions: ['fgsm', 'random'], span: s.eps, grid: s.grid, curvature: true },
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

export const study = persisted<StudyState>('first-study', { phase: 'idle', training: [], analysis: [], error: '', evaluated: false });
/** Incremented when the trained runs appear, so the pages reload their run lists. */
export const studyEpoch = computed(() => (study.value.phase === 'analysis' || study.value.phase === 'done' ? 1 : 0));

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

async function startAll(client: TagscapeClient, specs: JobSpec[]): Promise<string[]> {
  const ids: string[] = [];
  for (const job of specs) ids.push((await client.call('startJob', { job })).job.id);
  return ids;
}

/** Start the study (from the button). */
export async function startFirstStudy(client: TagscapeClient): Promise<void> {
  study.value = { phase: 'training', training: [], analysis: [], error: '', evaluated: false };
  try {
    study.value = { ...study.value, training: await startAll(client, firstStudyJobs().training) };
  } catch (e) {
    study.value = { ...study.value, phase: 'failed', error: (e as Error).message };
  }
}

let starting = false;
/** Follow the study's jobs for the whole session (App), starting the analysis once both taggers are trained. */
export function followFirstStudy(client: TagscapeClient): () => void {
  return client.onJobs(async (jobs) => {
    const s = study.value;
    if (s.phase === 'training' && !s.training.length) return; // still starting
    const next = nextPhase(s, jobs);
    if (next.phase === s.phase && next.error === s.error) return;
    if (next.phase === 'analysis') {
      if (starting) return;
      starting = true;
      try {
        study.value = { ...s, phase: 'analysis', analysis: await startAll(client, firstStudyJobs().analysis) };
      } catch (e) {
        study.value = { ...s, phase: 'failed', error: (e as Error).message };
      } finally {
        starting = false;
      }
      return;
    }
    study.value = { ...s, ...next };
  });
}

/** The study's jobs as last seen, for its progress list. */
export function studyJobs(s: StudyState, jobs: readonly JobInfo[]): JobInfo[] {
  return [...s.training, ...s.analysis].flatMap((id) => jobs.filter((j) => j.id === id));
}
