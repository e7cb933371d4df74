/**
 * The first-launch study: with an empty workspace, one button runs the paper's `study` protocol on the
 * embedded jets as ordinary jobs, through the same job operations as the pages: a nominal and an
 * FGSM-trained tagger (one seed each, so it finishes in minutes), then a robustness scan of both and
 * their averaged loss surface with curvature. The pages fill in as the results arrive. Its progress is
 * persisted with the job ids, so a reloaded window (jobs outlive it) carries on where it was.
 */
import { computed } from 'vue';
import type { JobInfo, Request } from '../../../shared/api/contract.ts';
import { firstStudyJobs, nextPhase, type StudyState } from '../../../shared/first-study.ts';
import type { TagscapeClient } from '../client/client.ts';
import { persisted } from './persisted.ts';

export { FIRST_STUDY } from '../../../shared/first-study.ts';
type JobSpec = Request<'startJob'>['job'];

export const study = persisted<StudyState>('first-study', { phase: 'idle', training: [], analysis: [], error: '', evaluated: false });
/** Incremented when the trained runs appear, so the pages reload their run lists. */
export const studyEpoch = computed(() => (study.value.phase === 'analysis' || study.value.phase === 'done' ? 1 : 0));

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
