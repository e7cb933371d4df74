/** The workspace's runs as the pages offer them: only complete runs can be evaluated, attacked or mapped. */
import type { Ref } from 'vue';
import type { TagscapeClient } from '../client/client.ts';

/** Fill `runs` with the complete runs' names; false (and the page's one-sentence error set) when that fails. */
export async function loadCompleteRuns(client: TagscapeClient, runs: Ref<string[]>, error: Ref<string>): Promise<boolean> {
  try {
    runs.value = (await client.call('listRuns', {})).runs.filter((r) => r.status === 'complete').map((r) => r.name);
    return true;
  } catch (e) {
    error.value = (e as Error).message;
    return false;
  }
}

/** The remembered choice, less the runs that are gone; the first `count` runs when nothing is left. */
export function keepChosen(chosen: string[], available: string[], count: number): string[] {
  const kept = chosen.filter((r) => available.includes(r));
  return kept.length ? kept : available.slice(0, count);
}
