/**
 * The handler registry behind both transports (Electron IPC and the loopback server): every payload is
 * validated against the shared contract first, then the engine is called. Failures come back as one
 * sentence, never as an exception through the transport.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OPERATIONS, describeIssues, type OperationName, type Reply, type Request, type Response } from '../../shared/api/contract.ts';
import { toWire } from '../../shared/charts/wire.ts';
import { activeBackend } from '../engine/backend.ts';
import { engineInfo } from '../engine/engine-info.ts';
import type { JetDataset } from '../engine/data/dataset.ts';
import { canStream, openJets, readsRowsFromDisk, type OpenOptions } from '../engine/data/open.ts';
import { memorySource, readWhole, type JetSource } from '../engine/data/source.ts';
import { loadWhole } from '../engine/data/whole.ts';
import { summariseData } from '../engine/data/summary.ts';
import { evaluateLoadedRun, evaluateRunOnSource } from '../engine/evaluate/evaluate-run.ts';
import { buildFigure } from '../engine/export/figures.ts';
import { labelData } from '../engine/export/label-data.ts';
import { figureLabel } from '../../shared/charts/style.ts';
import type { ExportedFile } from '../engine/export/window-export.ts';
import { inspectJet } from '../engine/inspect/inspect-jet.ts';
import { aucTable } from '../engine/metrics/evaluate.ts';
import { evaluateAttacked } from '../engine/robustness/attacked-evaluation.ts';
import { loadRun } from '../engine/store/run-model.ts';
import { summariseRun } from '../engine/store/run-summary.ts';
import { Workspace } from '../engine/store/workspace.ts';
import { TAGSCAPE_VERSION } from '../engine/version.ts';
import type { JobManager } from '../jobs/job-manager.ts';
import { jetTableHandler } from './jet-table.ts';
import { OpenSources } from './open-sources.ts';
import { PromiseCache } from './promise-cache.ts';
import { collectScan, scanLabel, scanRobustnessChart } from '../engine/scan/collect.ts';
import { scanStatus } from '../engine/scan/status.ts';
import { listScans, ScanStore } from '../engine/scan/store.ts';
import { recordLocal, tasksToSend } from '../engine/scan/submit.ts';

const asReply = (f: ExportedFile) => ({ filename: f.filename, mime: f.mime, base64: f.bytes.toString('base64') });
/** The exporter (resvg, pdfkit and its fonts: about 80 MB resident) loads on the first export, not with the server. */
const exporter = () => import('../engine/export/window-export.ts');

type Handler<K extends OperationName> = (req: Request<K>) => Promise<Response<K>> | Response<K>;
export type Handlers = { [K in OperationName]: Handler<K> };

export interface HandlerOptions {
  /** How Evaluate and the Data page open data that is not in the cache. @default streamed above STREAM_THRESHOLD_BYTES, as `tagscape evaluate` */
  open?: Pick<OpenOptions, 'stream' | 'blockRows'>;
}

export function createHandlers(workspace: string, jobs: JobManager, options: HandlerOptions = {}): Handlers {
  const ws = new Workspace(workspace);
  // The Data, Evaluate and figure calls ask for the same set many times: keep the last few loaded
  // (a file changed on disk meanwhile is seen after it leaves this small cache).
  const cache = new PromiseCache<JetDataset>(3);
  const dataset = (spec: string) => cache.get(spec, () => loadWhole(spec, { purpose: 'this view' }));
  // A file opened as `tagscape evaluate` opens it: a large .h5/.parquet file is read from disk (and not
  // cached) while a small one is loaded whole and joins the cache.
  const open = async (spec: string): Promise<JetSource> => {
    const src = await openJets(spec, options.open);
    if (src.inMemory) void cache.get(spec, () => readWhole(src));
    return src;
  };
  // Evaluate reads the jets once, in order: from the cache, or opened and closed again.
  const source = async (spec: string): Promise<JetSource> => (cache.has(spec) || !canStream(spec) ? memorySource(await dataset(spec)) : open(spec));
  // The Data page reads a large .h5 file from disk, kept open between its requests, and holds only what a
  // request needs (labels, a few columns, the rows in view); anything else comes from the cache.
  const pageFiles = new OpenSources(open);
  const pageData = async <T>(spec: string, fn: (src: JetSource) => Promise<T>): Promise<T> =>
    cache.has(spec) || !readsRowsFromDisk(spec) ? fn(memorySource(await dataset(spec))) : pageFiles.use(spec, fn);
  // The window's local executor: scan tasks run as jobs; while queued or running, the job manager knows them
  // better than their state files (a queued job has not written one yet).
  const scanJobs = new Map<string, { scan: string; index: number }>();
  const liveTasks = (scan: string) => {
    const live = new Map<number, 'queued' | 'running'>();
    for (const [id, t] of scanJobs) {
      const status = jobs.get(id).status;
      if (t.scan === scan && (status === 'queued' || status === 'running')) live.set(t.index, status);
    }
    return live;
  };
  return {
    info: () => ({ version: TAGSCAPE_VERSION, backend: activeBackend(), workspace, maxJobs: jobs.maxConcurrent }),
    // The job processes choose theirs the same way, from the same installation and environment.
    backend: () => engineInfo(),
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
    setRunTags: ({ run, tags }) => ({ run, tags: ws.setTags(run, tags) }),
    evaluate: async ({ run, data, attack }) => {
      if (!attack) {
        const src = await source(data);
        try {
          const ev = await evaluateRunOnSource(workspace, run, src);
          return { split: ev.split, jets: ev.report.jets, auc: aucTable(ev.report), report: ev.report };
        } finally {
          await src.close();
        }
      }
      const jets = await dataset(data);
      const loaded = loadRun(workspace, run);
      try {
        const ev = evaluateLoadedRun(loaded, jets);
        const attacked = await evaluateAttacked(workspace, loaded, jets, ev, attack);
        return { split: ev.split, jets: ev.report.jets, auc: aucTable(ev.report), attacked_auc: aucTable(attacked), report: ev.report };
      } finally {
        loaded.model.dispose();
      }
    },
    figure: async ({ plot, runs, data, discriminant, style, attack, view }) => {
      const jets = data ? await dataset(data) : undefined;
      const fig = await buildFigure({ plot, workspace, runs, data: jets, discriminant, attack, view, label: figureLabel({ style }, labelData(workspace, runs, jets)) });
      // Wire form: the tick formatter (and any other declared function) survives JSON; EChart.vue revives it.
      return { title: fig.title, option: toWire(fig.option) };
    },
    exportChart: async (req) => asReply(await (await exporter()).exportChart(req)),
    exportCharts: async ({ charts, title }) => asReply(await (await exporter()).exportChartsPdf(charts, title)),
    dataSummary: ({ data, feature, bins }) => pageData(data, (src) => summariseData(src, feature, bins)),
    dataPage: jetTableHandler(workspace, pageData),
    inspectJet: async ({ run, data, attack, eps, select, jet, sample, candidates }) =>
      inspectJet(run, { workspace, data: await dataset(data), attack: { kind: attack, eps }, select, jet, sample, candidates }),
    startJob: ({ job }) => ({ job: jobs.start(job) }),
    cancelJob: ({ job }) => ({ job: jobs.cancel(job) }),
    listJobs: () => ({ jobs: jobs.list() }),
    listScans: () => ({
      scans: listScans(workspace).map((name) => {
        const st = scanStatus(new ScanStore(workspace, name), { live: liveTasks(name) });
        return { name, tasks: st.tasks.length, counts: st.counts, runs: st.tasks.map((t) => t.run) };
      }),
    }),
    scanStatus: ({ scan }) => scanStatus(new ScanStore(workspace, scan), { live: liveTasks(scan) }),
    submitScan: ({ scan }) => {
      const store = new ScanStore(workspace, scan);
      const indices = tasksToSend(store, { live: liveTasks(scan) });
      if (indices.length) recordLocal(store, indices);
      const started = indices.map((index) => {
        const job = jobs.start({ kind: 'scanTask', scan, index });
        scanJobs.set(job.id, { scan, index });
        return job.id;
      });
      return { submitted: indices, jobs: started };
    },
    collectScan: ({ scan, discriminant, style }) => {
      const summary = collectScan(new ScanStore(workspace, scan));
      const disc = discriminant ?? 'BvL';
      const option = scanRobustnessChart(summary, { discriminant: disc, label: scanLabel(summary, style) });
      return { summary, title: `scan ${scan}: ${disc} AUC vs eps`, option: toWire(option) };
    },
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
