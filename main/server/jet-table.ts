/**
 * The loopback server's dataPage: the jet table over a data set, so scrolling through a million jets asks
 * only for the rows in view. The last few orders, input columns and runs' scores are cached, each computed
 * once however many pages ask for it meanwhile (a failure is not kept). Scores are predicted off this
 * thread (jetScores).
 */
import type { Request, Response } from '../../shared/api/contract.ts';
import type { JetSource } from '../engine/data/source.ts';
import { readColumn } from '../engine/data/source.ts';
import { jetTableOrder, jetTablePage, type JetScores } from '../engine/data/jet-table.ts';
import { jetScores } from '../engine/evaluate/jet-scores.ts';
import { PromiseCache } from './promise-cache.ts';

const KEEP = 4;

/** Runs `fn` on the jets of a data spec, whichever way they are held. */
export type WithData = <T>(spec: string, fn: (src: JetSource) => Promise<T>) => Promise<T>;

export function jetTableHandler(workspace: string, withData: WithData): (r: Request<'dataPage'>) => Promise<Response<'dataPage'>> {
  const orders = new PromiseCache<Uint32Array>(KEEP);
  const columns = new PromiseCache<Float32Array>(KEEP);
  const scoresOf = new PromiseCache<JetScores>(KEEP);
  return ({ data, offset, limit, run, sort, classes, range }) =>
    withData(data, async (d) => {
      const hash = d.source.hash;
      // Same data and run, same scores.
      const scores = run ? await scoresOf.get(JSON.stringify([hash, run]), () => jetScores(workspace, run, d)) : undefined;
      const column = (f: number) => columns.get(JSON.stringify([hash, f]), () => readColumn(d, f));
      const key = JSON.stringify([hash, run ?? null, sort ?? null, classes ?? null, range ?? null]);
      const order = await orders.get(key, () => jetTableOrder(d, { sort, classes, range }, scores, column));
      const page = await jetTablePage(d, order, offset, limit, scores);
      return { ...page, score: scores ? { run: scores.run, discriminant: scores.discriminant } : null };
    });
}
