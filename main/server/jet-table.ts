/**
 * The `dataPage` operation: pages of the Data page's jet table. A query's order (filters and sort) is
 * computed once and kept with the run's scores, so scrolling through a million jets asks only for the
 * rows in view; the last few orders are cached. Scores are predicted off this thread (jetScores), and a
 * run's scores are computed once however many pages ask for them meanwhile.
 */
import type { Request, Response } from '../../shared/api/contract.ts';
import type { JetDataset } from '../engine/data/dataset.ts';
import { jetTableOrder, jetTablePage, type JetScores } from '../engine/data/jet-table.ts';
import { jetScores } from '../engine/evaluate/jet-scores.ts';

const KEEP = 4;

export function jetTableHandler(workspace: string, dataset: (spec: string) => Promise<JetDataset>): (r: Request<'dataPage'>) => Promise<Response<'dataPage'>> {
  const orders = new Map<string, Uint32Array>();
  const scoreCache = new Map<string, Promise<JetScores>>();
  const keep = <T>(m: Map<string, T>, key: string, value: T) => {
    if (m.size >= KEEP) m.delete(m.keys().next().value!);
    m.set(key, value);
    return value;
  };
  /** The run's scores for every jet; same data and run, same scores (a failure is not kept). */
  const scoresOf = (d: JetDataset, run: string): Promise<JetScores> => {
    const key = JSON.stringify([d.source.hash, run]);
    const hit = scoreCache.get(key);
    if (hit) return hit;
    const scores = jetScores(workspace, run, d);
    scores.catch(() => scoreCache.get(key) === scores && scoreCache.delete(key));
    return keep(scoreCache, key, scores);
  };
  return async ({ data, offset, limit, run, sort, classes, range }) => {
    const d = await dataset(data);
    const scores = run ? await scoresOf(d, run) : undefined;
    const key = JSON.stringify([d.source.hash, run ?? null, sort ?? null, classes ?? null, range ?? null]);
    const order = orders.get(key) ?? keep(orders, key, jetTableOrder(d, { sort, classes, range }, scores));
    const page = jetTablePage(d, order, offset, limit, scores);
    return { ...page, score: scores ? { run: scores.run, discriminant: scores.discriminant } : null };
  };
}
