/**
 * The handler registry behind both transports (Electron IPC and the loopback server): every payload is
 * validated against the shared contract first, then the engine is called. Failures come back as one
 * sentence, never as an exception through the transport.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OPERATIONS, describeIssues, type OperationName, type Reply, type Request, type Response } from '../../shared/api/contract.ts';
import { activeBackend } from '../engine/backend.ts';
import type { JetDataset } from '../engine/data/dataset.ts';
import { loadData } from '../engine/data/load.ts';
import { dataPage, summariseData } from '../engine/data/summary.ts';
import { evaluateRun } from '../engine/evaluate/evaluate-run.ts';
import { buildFigure } from '../engine/export/figures.ts';
import { aucTable } from '../engine/metrics/evaluate.ts';
import { summariseRun } from '../engine/store/run-summary.ts';
import { Workspace } from '../engine/store/workspace.ts';
import { TAGSCAPE_VERSION } from '../engine/version.ts';
import type { JobManager } from '../jobs/job-manager.ts';

type Handler<K extends OperationName> = (req: Request<K>) => Promise<Response<K>> | Response<K>;
export type Handlers = { [K in OperationName]: Handler<K> };

export function createHandlers(workspace: string, jobs: JobManager): Handlers {
  const ws = new Workspace(workspace);
  // The Data, Evaluate and figure calls ask for the same set many times: keep the last few loaded
  // (a file changed on disk meanwhile is seen after it leaves this small cache).
  const cache = new Map<string, Promise<JetDataset>>();
  const dataset = (spec: string) => {
    if (!cache.has(spec)) {
      if (cache.size >= 3) cache.delete(cache.keys().next().value!);
      const p = loadData(spec);
      p.catch(() => cache.delete(spec));
      cache.set(spec, p);
    }
    return cache.get(spec)!;
  };
  return {
    info: () => ({ version: TAGSCAPE_VERSION, backend: activeBackend(), workspace, maxJobs: jobs.maxConcurrent }),
    listRuns: () => ({ runs: ws.list().map((name) => summariseRun(ws, name)) }),
    getRun: ({ run }) => {
      ws.requireRun(run);
      return { config: ws.readJson(run, 'config.json'), status: ws.status(run), history: ws.readJsonIfExists<unknown[]>(run, 'history.json') ?? [], metrics: ws.readJsonIfExists(run, 'metrics.json') };
    },
    deleteRun: ({ run }) => {
      ws.requireRun(run);
      if (ws.status(run).status === 'running') throw new Error(`Run "${run}" is being trained; cancel its job first.`);
      fs.rmSync(path.join(workspace, 'runs', run), { recursive: true, force: true });
      return { deleted: run };
    },
    evaluate: async ({ run, data }) => {
      const ev = evaluateRun(workspace, run, await dataset(data));
      return { split: ev.split, jets: ev.report.jets, auc: aucTable(ev.report), report: ev.report };
    },
    figure: async ({ plot, runs, data, discriminant, style }) => {
      const fig = await buildFigure({ plot, workspace, runs, data: data ? await dataset(data) : undefined, discriminant, label: { preset: style ?? 'cms' } });
      return { title: fig.title, option: fig.option };
    },
    dataSummary: async ({ data, feature, bins }) => summariseData(await dataset(data), feature, bins),
    dataPage: async ({ data, offset, limit }) => dataPage(await dataset(data), offset, limit),
    startJob: ({ job }) => ({ job: jobs.start(job) }),
    cancelJob: ({ job }) => ({ job: jobs.cancel(job) }),
    listJobs: () => ({ jobs: jobs.list() }),
  };
}

/** Validate and run one operation. Unknown operations and invalid payloads are refused before the engine. */
export async function dispatch(handlers: Handlers, op: unknown, payload: unknown): Promise<Reply<unknown>> {
  if (typeof op !== 'string' || !Object.hasOwn(OPERATIONS, op)) {
    return { ok: false, error: `Unknown operation ${JSON.stringify(String(op)).slice(0, 80)}; operations: ${Object.keys(OPERATIONS).join(', ')}.` };
  }
  const name = op as OperationName;
  const parsed = OPERATIONS[name].request.safeParse(payload);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error, name) };
  try {
    const result = await (handlers[name] as Handler<typeof name>)(parsed.data as never);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
