/**
 * A scan's definition (scans/<name>/scan.json): a grid of trainings over modes, ε, gradient-penalty λ,
 * seeds and any other training option, and what to evaluate on every trained run. One schema for the
 * command line, the engine and the window's API; the engine expands it into tasks (main/engine/scan/grid.ts).
 */
import { z } from 'zod';
import { FOCAL_GAMMA_MAX, LOSS_NAMES } from './train-defaults.ts';

export const SCAN_MODES = ['nominal', 'fgsm', 'ngm', 'pgd', 'gradpenalty'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];
export const EVAL_ATTACKS = ['fgsm', 'ngm', 'pgd', 'noise', 'shift'] as const;

export const ScanName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'a scan name is letters, digits, _ and - (up to 40 characters)');

/** Training options shared by every task (the grid's fixed part); the names and meanings of `tagscape train`'s. */
const TrainCommon = z.object({
  epochs: z.number().int().min(1).max(100000).optional(),
  batchSize: z.number().int().min(1).max(1 << 20).optional(),
  learningRate: z.number().positive().max(10).optional(),
  patience: z.number().int().min(1).max(100000).optional(),
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(16).optional(),
  dropout: z.number().min(0).lt(1).optional(),
  reweight: z.boolean().optional(),
  loss: z.enum(LOSS_NAMES).optional(),
  focalGamma: z.number().min(0).max(FOCAL_GAMMA_MAX).optional(),
  /** Adversarial modes: fraction of batches attacked and nominal warm-up epochs. */
  advFraction: z.number().gt(0).max(1).optional(),
  advWarmup: z.number().int().min(0).optional(),
  /** PGD training: steps and step size. */
  pgdSteps: z.number().int().min(1).max(1000).optional(),
  pgdAlpha: z.number().positive().optional(),
}).strict();
export type ScanTrainOptions = z.infer<typeof TrainCommon>;

/** Options a grid may vary besides mode, ε, λ and seed: each takes a list of values. */
export const VARIABLE_OPTIONS = ['epochs', 'batchSize', 'learningRate', 'patience', 'dropout', 'focalGamma', 'advFraction', 'advWarmup'] as const;
const Vary = z.object(Object.fromEntries(VARIABLE_OPTIONS.map((k) => [k, z.array(z.number()).min(1).max(50).optional()])) as Record<(typeof VARIABLE_OPTIONS)[number], z.ZodOptional<z.ZodArray<z.ZodNumber>>>).strict();

const EpsList = z.array(z.number().gt(0).max(100)).min(1).max(50);

export const ScanDefinition = z.object({
  name: ScanName,
  /** The training jets: an absolute file path every task can read (a shared file system on a cluster), or synthetic:N. */
  data: z.string().min(1).max(4096),
  modes: z.array(z.enum(SCAN_MODES)).min(1).max(SCAN_MODES.length),
  /** Training ε (in training σ) of the adversarial modes (fgsm, ngm, pgd). @default [0.01] */
  eps: EpsList.optional(),
  /** λ of the gradient-penalty mode. @default [0.1] */
  penalty: z.array(z.number().gt(0).max(1e6)).min(1).max(50).optional(),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(1000),
  train: TrainCommon.default({}),
  vary: Vary.default({}),
  evaluate: z.object({
    /** Robustness curves: AUC per attack and ε on each run's test split; ε = 0 is the clean AUC. */
    attacks: z.array(z.enum(EVAL_ATTACKS)).min(1).max(EVAL_ATTACKS.length),
    eps: z.array(z.number().min(0).max(100)).min(1).max(50),
    /** Curvature on the first `jets` test jets (gradient norm, top Hessian eigenvalue, loss range in the ε-box); omitted = not measured. */
    curvature: z.object({ jets: z.number().int().min(1).max(100000), eps: z.number().gt(0).max(100) }).strict().optional(),
  }).strict(),
}).strict();
export type ScanDefinition = z.infer<typeof ScanDefinition>;

export const TASK_STATES = ['unsubmitted', 'queued', 'running', 'complete', 'failed', 'missing'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const EXECUTORS = ['local', 'slurm', 'htcondor'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];
