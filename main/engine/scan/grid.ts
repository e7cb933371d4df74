/**
 * A scan's grid expanded into tasks: modes (with their ε or λ) × every combination of varied options ×
 * seeds, in that nesting order, so task indices are stable for a given definition. Each task trains one
 * run, named uniquely after its index, so tasks never write into each other's folders.
 */
import type { ScanDefinition, ScanMode } from '../../../shared/scan-definition.ts';
import { VARIABLE_OPTIONS } from '../../../shared/scan-definition.ts';
import { TRAIN_DEFAULTS } from '../../../shared/train-defaults.ts';
import type { TrainOptions } from '../train/config.ts';

export interface ScanTask {
  index: number;
  /** The run this task trains: `<scan>-<index>-<what>-s<seed>`, unique within the workspace. */
  run: string;
  mode: ScanMode;
  /** Training ε of an adversarial mode, λ of gradient penalty; null otherwise. */
  eps: number | null;
  penalty: number | null;
  seed: number;
  /** The varied options' values for this task. */
  vary: Record<string, number>;
  /** The grid point without its seed: tasks sharing it are averaged over seeds. */
  group: string;
}

/** @default training ε of adversarial modes */
export const DEFAULT_SCAN_EPS = [TRAIN_DEFAULTS.adversarialEps];
/** @default λ of the gradient-penalty mode */
export const DEFAULT_SCAN_PENALTY = [0.1];

function product(keys: string[], values: Record<string, number[] | undefined>): Array<Record<string, number>> {
  let combos: Array<Record<string, number>> = [{}];
  for (const k of keys) combos = combos.flatMap((c) => values[k]!.map((v) => ({ ...c, [k]: v })));
  return combos;
}

export function expandGrid(def: ScanDefinition): ScanTask[] {
  const varied = VARIABLE_OPTIONS.filter((k) => def.vary[k] !== undefined);
  const combos = product(varied, def.vary);
  type Point = Pick<ScanTask, 'mode' | 'eps' | 'penalty'>;
  const points = def.modes.flatMap((mode): Point[] => {
    if (mode === 'nominal') return [{ mode, eps: null, penalty: null }];
    if (mode === 'gradpenalty') return (def.penalty ?? DEFAULT_SCAN_PENALTY).map((penalty) => ({ mode, eps: null, penalty }));
    return (def.eps ?? DEFAULT_SCAN_EPS).map((eps) => ({ mode, eps, penalty: null }));
  });
  const tasks: ScanTask[] = [];
  for (const p of points) {
    for (const vary of combos) {
      const what = [p.mode, p.eps !== null ? `e${p.eps}` : '', p.penalty !== null ? `l${p.penalty}` : '', ...varied.map((k) => `${k}${vary[k]}`)].join('');
      const group = [p.mode, p.eps !== null ? `ε=${p.eps}` : '', p.penalty !== null ? `λ=${p.penalty}` : '', ...varied.map((k) => `${k}=${vary[k]}`)].filter(Boolean).join(' ');
      for (const seed of def.seeds) {
        const index = tasks.length;
        const run = `${def.name}-${String(index).padStart(4, '0')}-${what.replace(/[^A-Za-z0-9.]/g, '')}-s${seed}`.slice(0, 100);
        tasks.push({ index, run, ...p, seed, vary, group });
      }
    }
  }
  return tasks;
}

/** The `tagscape train` options of one task. */
export function taskTrainOptions(def: ScanDefinition, task: ScanTask): TrainOptions {
  const t = { ...def.train, ...task.vary };
  const options: TrainOptions = {
    epochs: t.epochs, batchSize: t.batchSize, learningRate: t.learningRate, patience: t.patience, hidden: t.hidden,
    dropout: t.dropout, reweight: t.reweight, loss: t.loss, focalGamma: t.focalGamma, seed: task.seed,
  };
  if (task.penalty !== null) options.gradPenalty = task.penalty;
  if (task.mode === 'fgsm' || task.mode === 'ngm' || task.mode === 'pgd') {
    options.adversarial = {
      attack: task.mode, eps: task.eps!,
      fraction: t.advFraction ?? TRAIN_DEFAULTS.adversarialFraction,
      warmupEpochs: t.advWarmup ?? TRAIN_DEFAULTS.adversarialWarmup,
      ...(task.mode === 'pgd' ? { steps: t.pgdSteps, alpha: t.pgdAlpha } : {}),
    };
  }
  return options;
}
