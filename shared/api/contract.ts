/**
 * The one API between the window (or a browser on loopback) and the study engine: every operation's
 * request and response, and the job events, declared once as schemas. Main and the loopback server
 * validate every payload against these before anything reaches the engine; the renderer's client is
 * typed from them.
 */
import { z } from 'zod';
import { FOCAL_GAMMA_MAX, LOSS_NAMES, TRAIN_DEFAULTS } from '../train-defaults.ts';
import { LANDSCAPE_GRID_MAX } from '../landscape-limits.ts';
import { PRESET_NAMES } from '../presets.ts';
import type { OPERATION_NAMES } from './operation-names.ts';
import { ScanName, TASK_STATES } from '../scan-definition.ts';

const RunName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a run name is letters, digits, . _ - (up to 100 characters)');
/** A data file path (inside what the user opened) or synthetic:N. */
const DataSpec = z.string().min(1).max(4096);
const Epochs = z.number().int().min(1).max(10000);
const Eps = z.number().min(0).max(100);
const AttackKind = z.enum(['fgsm', 'ngm', 'pgd', 'noise', 'shift']);
const Discriminant = z.enum(['BvL', 'BvC', 'CvB', 'CvL']);
/** A white-box attack on each run's own evaluation jets (Evaluate's overlay). */
const AttackOverlay = z.object({ kind: AttackKind, eps: z.number().gt(0).max(100) }).strict();

export const JobId = z.string().regex(/^job-[0-9]+$/);

const TrainJob = z.object({
  kind: z.literal('train'),
  name: RunName,
  data: DataSpec,
  epochs: Epochs,
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  batchSize: z.number().int().min(1).max(1 << 20).optional(),
  learningRate: z.number().positive().max(10).optional(),
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(16).optional(),
  dropout: z.number().min(0).lt(1).optional(),
  /** As the command line's --loss and --focal-gamma; a gamma without a loss keeps cross-entropy. */
  loss: z.enum(LOSS_NAMES).optional(),
  focalGamma: z.number().min(0).max(FOCAL_GAMMA_MAX).optional(),
  /** Early stopping: epochs without a lower validation loss. */
  patience: z.number().int().min(1).max(10000).optional(),
  reweight: z.boolean().optional(),
  /** Every flavour the same total weight in the loss (the paper's flavour balancing). */
  balanceFlavours: z.boolean().optional(),
  adversarial: z.object({ attack: z.enum(['fgsm', 'ngm', 'pgd']), eps: Eps, fraction: z.number().gt(0).max(1).default(TRAIN_DEFAULTS.adversarialFraction), warmupEpochs: z.number().int().min(0).max(10000).default(TRAIN_DEFAULTS.adversarialWarmup) }).strict().optional(),
  gradPenalty: z.number().min(0).max(1e6).optional(),
  /** A preset (shared/presets.ts) under the settings given; data of another schema fail the job in one sentence. */
  preset: z.enum(PRESET_NAMES).optional(),
  /** true: read an .h5/.parquet file from disk a block at a time; false: load it whole; omitted: stream above 128 MiB of inputs, as the CLI. */
  stream: z.boolean().optional(),
}).strict();

const ResumeJob = z.object({ kind: z.literal('resume'), name: RunName, epochs: Epochs, stream: z.boolean().optional() }).strict();

const RobustnessJob = z.object({
  kind: z.literal('robustness'),
  runs: z.array(RunName).min(1).max(16),
  data: DataSpec,
  attacks: z.array(AttackKind).min(1).max(5),
  eps: z.array(Eps).min(1).max(50),
  /** Also report how this attack moved every input of every run (histograms, KL, JS, mean |Δ| in σ). */
  shifts: z.object({ attack: AttackKind, eps: z.number().gt(0).max(100), bins: z.number().int().min(5).max(200).optional() }).strict().optional(),
}).strict();

const LandscapeJob = z.object({
  kind: z.literal('landscape'),
  runs: z.array(RunName).min(1).max(8),
  data: DataSpec,
  jet: z.number().int().min(0).optional(),
  jets: z.number().int().min(1).max(100000).optional(),
  directions: z.array(z.string().min(1).max(200)).min(1).max(2),
  span: z.number().positive().max(1000).optional(),
  grid: z.number().int().min(1).max(LANDSCAPE_GRID_MAX).optional(),
  className: z.string().min(1).max(40).optional(),
  normalisation: z.enum(['linf', 'l2', 'sigma']).optional(),
  /** The FGSM step located on a per-jet map and the curvature eps-box, in sigma (default: the span). */
  fgsmEps: Eps.optional(),
  curvature: z.boolean().optional(),
  moveFrozen: z.boolean().optional(),
}).strict();

/** One task of a scan (scans/<scan>/ in the workspace), as `tagscape scan task` runs it: the local executor of the window. */
const ScanTaskJob = z.object({ kind: z.literal('scanTask'), scan: ScanName, index: z.number().int().min(0).max(1_000_000) }).strict();

export const JobSpec = z.discriminatedUnion('kind', [TrainJob, ResumeJob, RobustnessJob, LandscapeJob, ScanTaskJob]);
export type JobSpec = z.infer<typeof JobSpec>;

export const JobStatus = z.enum(['queued', 'running', 'complete', 'failed', 'cancelled']);
export const JobInfo = z.object({
  id: JobId,
  kind: z.string(),
  label: z.string(),
  status: JobStatus,
  /** 0..1 */
  progress: z.number(),
  message: z.string(),
  error: z.string().optional(),
  created: z.string(),
  result: z.unknown().optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const RunSummary = z.object({
  name: z.string(),
  status: z.enum(['running', 'complete', 'failed', 'interrupted']),
  epochs_done: z.number(),
  epochs_target: z.number(),
  backend: z.string(),
  data: z.string(),
  test_auc: z.record(z.string(), z.number().nullable()).nullable(),
  tags: z.array(z.string()),
  /** The adversarial training settings, null for a nominal run. */
  adversarial: z.object({ attack: z.string(), eps: z.number(), fraction: z.number() }).nullable(),
  grad_penalty: z.number(),
});

/** A run's label, e.g. "baseline" or "eps=0.01": letters, digits, spaces and . _ : + = - */
const Tag = z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:+=-]*$/u, 'a tag is letters, digits, spaces and . _ : + = - (up to 40 characters)');

/** A class or discriminant name (b, udsg, BvL, ...; 'true' = the jet's true class); the engine checks it against the schema. */
const ScoreName = z.string().regex(/^[A-Za-z]{1,20}$/, 'a class or discriminant name is 1 to 20 letters');
/** How Inspect picks its jet (main/engine/inspect/select.ts). */
const InspectSelect = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('index') }).strict(),
  z.object({ mode: z.literal('score'), score: ScoreName, order: z.enum(['highest', 'lowest']), className: ScoreName.optional() }).strict(),
  z.object({ mode: z.literal('changed'), metric: ScoreName, className: ScoreName.optional() }).strict(),
]);
const InspectJetRequest = z.object({
  run: RunName,
  data: DataSpec,
  attack: z.enum(['fgsm', 'ngm', 'pgd', 'noise']),
  eps: Eps,
  select: InspectSelect,
  /** A row of the data file (as Landscape's jet); in the other modes it overrides the first candidate. */
  jet: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  sample: z.number().int().min(1).max(200000).optional(),
  candidates: z.number().int().min(1).max(100).optional(),
}).strict().refine((r) => r.select.mode !== 'index' || r.jet !== undefined, { message: 'selecting by index needs a jet, a row of the data file', path: ['jet'] });
const InspectJetResponse = z.object({
  run: z.string(),
  data: z.string(),
  split: z.enum(['test', 'all']),
  pool: z.number(),
  in_pool: z.boolean(),
  attack: z.object({ kind: AttackKind, eps: z.number(), key: z.string(), mode: z.literal('inference'), cached: z.boolean() }),
  jet: z.number(),
  label: z.string(),
  classes: z.array(z.string()),
  probs: z.object({ nominal: z.array(z.number()), attacked: z.array(z.number()) }),
  discriminants: z.array(z.object({ name: z.string(), nominal: z.number(), attacked: z.number() })),
  features: z.array(z.object({
    name: z.string(), unit: z.string(), group: z.string(), nominal: z.number(), attacked: z.number(), sigma: z.number(), delta_sigma: z.number(),
    frozen: z.boolean(), frozen_reason: z.enum(['integer', 'default']).nullable(),
  })),
  tracks: z.object({
    tracks: z.number(),
    rows: z.array(z.object({ feature: z.string(), names: z.array(z.string()), nominal: z.array(z.number().nullable()), attacked: z.array(z.number().nullable()), delta_sigma: z.array(z.number().nullable()), frozen: z.array(z.boolean()) })),
  }),
  candidates: z.object({
    mode: z.enum(['index', 'score', 'changed']),
    metric: z.string(),
    description: z.string(),
    candidates: z.array(z.object({ jet: z.number(), label: z.string(), value: z.number(), nominal: z.number(), attacked: z.number() })),
  }),
});

const ScanCounts = z.record(z.enum(TASK_STATES), z.number());
const ScanStatusReply = z.object({
  scan: z.string(),
  tasks: z.array(z.object({
    index: z.number(), run: z.string(), group: z.string(), seed: z.number(), state: z.enum(TASK_STATES), source: z.string(),
    scheduler_state: z.string().optional(), executor: z.string().optional(), job_id: z.string().nullable().optional(), attempt: z.number(), error: z.string().optional(), updated: z.string().optional(),
  })),
  counts: ScanCounts,
  unreachable: z.array(z.string()),
});

/** A column of the Data page's jet table. */
const TableColumn = z.string().min(1).max(200);

/** A chart from the window, exported by the shared figure code: its option in wire form (shared/charts/wire.ts: JSON, functions as {$fn, args}). */
const ChartOption = z.record(z.string(), z.unknown());
const FigurePoints = z.number().int().min(100).max(4000);
const ChartPage = z.object({ option: ChartOption, width: FigurePoints.optional(), height: FigurePoints.optional(), title: z.string().max(200).optional() }).strict();
const ExportedFile = z.object({ filename: z.string(), mime: z.string(), base64: z.string() });

/** Every operation: name -> request and response schema. */
export const OPERATIONS = {
  listRuns: { request: z.object({}).strict(), response: z.object({ runs: z.array(RunSummary) }) },
  getRun: { request: z.object({ run: RunName }).strict(), response: z.object({ config: z.unknown(), status: z.unknown(), history: z.array(z.unknown()), metrics: z.unknown().nullable() }) },
  deleteRun: { request: z.object({ run: RunName }).strict(), response: z.object({ deleted: z.string() }) },
  setRunTags: { request: z.object({ run: RunName, tags: z.array(Tag).max(16) }).strict(), response: z.object({ run: z.string(), tags: z.array(z.string()) }) },
  evaluate: {
    request: z.object({ run: RunName, data: DataSpec, attack: AttackOverlay.optional() }).strict(),
    /** attacked_auc: the same jets after the attack, when one was asked for. */
    response: z.object({ split: z.string(), jets: z.number(), auc: z.record(z.string(), z.number().nullable()), attacked_auc: z.record(z.string(), z.number().nullable()).optional(), report: z.unknown() }),
  },
  figure: {
    request: z.object({
      plot: z.enum(['roc', 'history']), runs: z.array(RunName).min(1).max(8), data: DataSpec.optional(), discriminant: Discriminant.optional(), style: z.enum(['cms', 'atlas', 'plain']).optional(),
      /** roc: also each run on its own white-box attacked inputs, dashed in the run's colour. */
      attack: AttackOverlay.optional(),
      /** roc: y as mistag rate or as rejection 1/mistag. @default by style (rejection for atlas) */
      view: z.enum(['mistag', 'rejection']).optional(),
    }).strict(),
    response: z.object({ title: z.string(), option: z.record(z.string(), z.unknown()) }),
  },
  /** One chart as PDF, SVG or PNG (dpi default 300); width/height in points, default 600 x 450. */
  exportChart: {
    request: ChartPage.extend({ format: z.enum(['png', 'svg', 'pdf']), dpi: z.number().int().min(36).max(1200).optional() }).strict()
      // A PNG is allocated whole: bound its pixels, not only its sides (4000 pt at 1200 dpi would be 18 GB).
      .refine((r) => r.format !== 'png' || (r.width ?? 600) * (r.height ?? 450) * ((r.dpi ?? 300) / 72) ** 2 <= MAX_PNG_PIXELS, { message: 'a PNG may have at most 100 megapixels; lower the dpi or the size', path: ['dpi'] }),
    response: ExportedFile,
  },
  /** Several charts as the pages of one PDF. */
  exportCharts: { request: z.object({ charts: z.array(ChartPage).min(1).max(64), title: z.string().max(200).optional() }).strict(), response: ExportedFile },
  dataSummary: {
    request: z.object({ data: DataSpec, feature: z.string().min(1).max(200).optional(), bins: z.number().int().min(2).max(200).optional() }).strict(),
    response: z.object({ jets: z.number(), schema: z.string(), classes: z.record(z.string(), z.number()), features: z.array(z.unknown()), histogram: z.unknown(), correlation: z.unknown() }),
  },
  /** Rows [offset, offset + limit) of the jets matching the filters, in the asked order (main/engine/data/jet-table.ts). */
  dataPage: {
    request: z.object({
      data: DataSpec, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500),
      /** Adds each jet's score: the run's first discriminant (BvL for DeepCSV). */
      run: RunName.optional(),
      /** 'jet', 'flavour', 'score' or an input's name. */
      sort: z.object({ column: TableColumn, order: z.enum(['asc', 'desc']) }).strict().optional(),
      classes: z.array(z.string().min(1).max(40)).max(20).optional(),
      range: z.object({ column: TableColumn, min: z.number().optional(), max: z.number().optional() }).strict().optional(),
    }).strict(),
    /** total: jets in the data; matched: jets passing the filters; score: whose scores the rows carry. */
    response: z.object({
      total: z.number(), matched: z.number(), score: z.object({ run: z.string(), discriminant: z.string() }).nullable(),
      rows: z.array(z.object({ jet: z.number(), label: z.string(), values: z.array(z.number()), score: z.number().optional() })),
    }),
  },
  inspectJet: { request: InspectJetRequest, response: InspectJetResponse },
  startJob: { request: z.object({ job: JobSpec }).strict(), response: z.object({ job: JobInfo }) },
  cancelJob: { request: z.object({ job: JobId }).strict(), response: z.object({ job: JobInfo }) },
  listJobs: { request: z.object({}).strict(), response: z.object({ jobs: z.array(JobInfo) }) },
  info: { request: z.object({}).strict(), response: z.object({ version: z.string(), backend: z.string(), workspace: z.string(), maxJobs: z.number() }) },
  /** The tensor backend the jobs compute on; unless it is native TensorFlow, `advice` says why not and what to do. */
  backend: {
    request: z.object({}).strict(),
    response: z.object({ name: z.enum(['tensorflow', 'wasm', 'cpu']), threads: z.number().int().min(1), fallbacks: z.array(z.string()), advice: z.string().nullable(), kernels: z.object({ path: z.enum(['simd', 'tfjs']), threads: z.number().int().min(1) }).optional() }),
  },
  /** Scans (`tagscape scan`): their tasks' states, the local executor, and the mean ± sd over seeds. */
  listScans: { request: z.object({}).strict(), response: z.object({ scans: z.array(z.object({ name: z.string(), tasks: z.number(), counts: ScanCounts, runs: z.array(z.string()) })) }) },
  scanStatus: { request: z.object({ scan: ScanName }).strict(), response: ScanStatusReply },
  /** Start every task that is not complete, queued or running as a job (at most cores − 1 jobs run at once). */
  submitScan: { request: z.object({ scan: ScanName }).strict(), response: z.object({ submitted: z.array(z.number()), jobs: z.array(JobId) }) },
  collectScan: {
    request: z.object({ scan: ScanName, discriminant: Discriminant.optional(), style: z.enum(['cms', 'atlas', 'plain']).optional() }).strict(),
    /** summary: as `tagscape scan collect --json`; option: the robustness figure with ±sd bands, in wire form. */
    response: z.object({ summary: z.object({ scan: z.string(), data: z.string(), tasks: z.number(), complete: z.number(), groups: z.array(z.unknown()), robustness: z.array(z.unknown()) }), title: z.string(), option: z.record(z.string(), z.unknown()) }),
  },
} as const;

export type OperationName = keyof typeof OPERATIONS;
// The preload's schema-free list of names must match: a missing or extra name fails the type-check here.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: SameNames<OperationName, (typeof OPERATION_NAMES)[number]> = true;
void namesMatch;
export type Request<K extends OperationName> = z.infer<(typeof OPERATIONS)[K]['request']>;
export type Response<K extends OperationName> = z.infer<(typeof OPERATIONS)[K]['response']>;

/** Pushed to every window: a job changed. */
export const JobEvent = z.object({ type: z.literal('job'), job: JobInfo });
export type JobEvent = z.infer<typeof JobEvent>;

/** What a transport answers: the result, or one sentence saying what was wrong. */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

export const MAX_PAYLOAD_BYTES = 1 << 20;
export const MAX_PNG_PIXELS = 100e6;
/** Exports carry a chart's whole option (a 201 x 201 loss map is a few MB of JSON). */
export const MAX_EXPORT_PAYLOAD_BYTES = 16 << 20;
export const EXPORT_OPERATIONS: readonly string[] = ['exportChart', 'exportCharts'];

/** One readable sentence from a validation failure. */
export function describeIssues(error: z.ZodError, op: string): string {
  const first = error.issues[0];
  const where = first.path.length ? ` at ${first.path.join('.')}` : '';
  return `Invalid ${op} request${where}: ${first.message}.`;
}
