/** The workspace's runs as the pages offer them: only complete runs can be evaluated, attacked or mapped. */
import type { TagscapeClient } from '../client/client.ts';

export async function completeRunNames(client: TagscapeClient): Promise<string[]> {
  return (await client.call('listRuns', {})).runs.filter((r) => r.status === 'complete').map((r) => r.name);
}

/** The remembered choice, less the runs that are gone; the first `count` runs when nothing is left. */
export function keepChosen(chosen: string[], available: string[], count: number): string[] {
  const kept = chosen.filter((r) => available.includes(r));
  return kept.length ? kept : available.slice(0, count);
}
