/**
 * The one API between the window (or a browser on loopback) and the study engine: every operation's
 * request and response, and the job events, declared once as schemas. Main and the loopback server
 * validate every payload against these before anything reaches the engine; the renderer's client is
 * typed from them.
 */
import { z } from 'zod';

const RunName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a run name is letters, digits, . _ - (up to 100 characters)');
/** A data file path (inside what the user opened) or synthetic:N. */
const DataSpec = z.string().min(1).max(4096);
const Epochs = z.number().int().min(1).max(10000);
const Eps = z.number().min(0).max(100);
const AttackKind = z.enum(['fgsm', 'ngm', 'pgd', 'noise', 'shift']);
const Discriminant = z.enum(['BvL', 'BvC', 'CvB', 'CvL']);

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
  adversarial: z.object({ attack: z.enum(['fgsm', 'ngm', 'pgd']), eps: Eps, fraction: z.number().gt(0).max(1).default(1), warmupEpochs: z.number().int().min(0).default(0) }).strict().optional(),
  gradPenalty: z.number().min(0).max(1e6).optional(),
}).strict();

const ResumeJob = z.object({ kind: z.literal('resume'), name: RunName, epochs: Epochs }).strict();

const RobustnessJob = z.object({
  kind: z.literal('robustness'),
  runs: z.array(RunName).min(1).max(16),
  data: DataSpec,
  attacks: z.array(AttackKind).min(1).max(5),
  eps: z.array(Eps).min(1).max(50),
}).strict();

const LandscapeJob = z.object({
  kind: z.literal('landscape'),
  runs: z.array(RunName).min(1).max(8),
  data: DataSpec,
  jet: z.number().int().min(0).optional(),
  jets: z.number().int().min(1).max(100000).optional(),
  directions: z.array(z.string().min(1).max(200)).min(1).max(2),
  span: z.number().positive().max(1000).optional(),
  grid: z.number().int().min(1).max(201).optional(),
}).strict();

export const JobSpec = z.discriminatedUnion('kind', [TrainJob, ResumeJob, RobustnessJob, LandscapeJob]);
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
});

/** Every operation: name -> request and response schema. */
export const OPERATIONS = {
  listRuns: { request: z.object({}).strict(), response: z.object({ runs: z.array(RunSummary) }) },
  getRun: { request: z.object({ run: RunName }).strict(), response: z.object({ config: z.unknown(), status: z.unknown(), history: z.array(z.unknown()), metrics: z.unknown().nullable() }) },
  deleteRun: { request: z.object({ run: RunName }).strict(), response: z.object({ deleted: z.string() }) },
  evaluate: { request: z.object({ run: RunName, data: DataSpec }).strict(), response: z.object({ split: z.string(), jets: z.number(), auc: z.record(z.string(), z.number().nullable()), report: z.unknown() }) },
  figure: {
    request: z.object({ plot: z.enum(['roc', 'history']), runs: z.array(RunName).min(1).max(8), data: DataSpec.optional(), discriminant: Discriminant.optional(), style: z.enum(['cms', 'atlas', 'plain']).optional() }).strict(),
    response: z.object({ title: z.string(), option: z.record(z.string(), z.unknown()) }),
  },
  dataSummary: {
    request: z.object({ data: DataSpec, feature: z.string().min(1).max(200).optional(), bins: z.number().int().min(2).max(200).optional() }).strict(),
    response: z.object({ jets: z.number(), schema: z.string(), classes: z.record(z.string(), z.number()), features: z.array(z.unknown()), histogram: z.unknown(), correlation: z.unknown() }),
  },
  dataPage: {
    request: z.object({ data: DataSpec, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    response: z.object({ total: z.number(), rows: z.array(z.object({ jet: z.number(), label: z.string(), values: z.array(z.number()) })) }),
  },
  startJob: { request: z.object({ job: JobSpec }).strict(), response: z.object({ job: JobInfo }) },
  cancelJob: { request: z.object({ job: JobId }).strict(), response: z.object({ job: JobInfo }) },
  listJobs: { request: z.object({}).strict(), response: z.object({ jobs: z.array(JobInfo) }) },
  info: { request: z.object({}).strict(), response: z.object({ version: z.string(), backend: z.string(), workspace: z.string(), maxJobs: z.number() }) },
} as const;

export type OperationName = keyof typeof OPERATIONS;
export type Request<K extends OperationName> = z.infer<(typeof OPERATIONS)[K]['request']>;
export type Response<K extends OperationName> = z.infer<(typeof OPERATIONS)[K]['response']>;

/** Pushed to every window: a job changed. */
export const JobEvent = z.object({ type: z.literal('job'), job: JobInfo });
export type JobEvent = z.infer<typeof JobEvent>;

/** What a transport answers: the result, or one sentence saying what was wrong. */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

export const MAX_PAYLOAD_BYTES = 1 << 20;

/** One readable sentence from a validation failure. */
export function describeIssues(error: z.ZodError, op: string): string {
  const first = error.issues[0];
  const where = first.path.length ? ` at ${first.path.join('.')}` : '';
  return `Invalid ${op} request${where}: ${first.message}.`;
}
