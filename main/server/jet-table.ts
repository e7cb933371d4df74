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

const KEEP = 4;

/** Runs `fn` on the jets of a data spec, whichever way they are held. */
export type WithData = <T>(spec: string, fn: (src: JetSource) => Promise<T>) => Promise<T>;

/** A small cache of computations: the last KEEP kept, a failed one forgotten. */
function memo<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const m = new Map<string, Promise<T>>();
  return (key, make) => {
    const hit = m.get(key);
    if (hit) return hit;
    if (m.size >= KEEP) m.delete(m.keys().next().value!);
    const p = make();
    p.catch(() => m.get(key) === p && m.delete(key));
    m.set(key, p);
    return p;
  };
}

export function jetTableHandler(workspace: string, withData: WithData): (r: Request<'dataPage'>) => Promise<Response<'dataPage'>> {
  const orders = memo<Uint32Array>();
  const columns = memo<Float32Array>();
  const scoresOf = memo<JetScores>();
  return ({ data, offset, limit, run, sort, classes, range }) =>
    withData(data, async (d) => {
      const hash = d.source.hash;
      // Same data and run, same scores.
      const scores = run ? await scoresOf(JSON.stringify([hash, run]), () => jetScores(workspace, run, d)) : undefined;
      const column = (f: number) => columns(JSON.stringify([hash, f]), () => readColumn(d, f));
      const key = JSON.stringify([hash, run ?? null, sort ?? null, classes ?? null, range ?? null]);
      const order = await orders(key, () => jetTableOrder(d, { sort, classes, range }, scores, column));
      const page = await jetTablePage(d, order, offset, limit, scores);
      return { ...page, score: scores ? { run: scores.run, discriminant: scores.discriminant } : null };
    });
}
