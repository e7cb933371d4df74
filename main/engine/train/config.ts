import { ATTACK_KINDS, validateAttack, type AttackKind } from '../attacks/spec.ts';
import { TRAIN_DEFAULTS } from '../../../shared/train-defaults.ts';
import type { LossConfig, LossName } from '../model/losses.ts';

/** Everything that determines a training run besides the data. Defaults follow the paper's DeepCSV setup. */
export interface TrainConfig {
  /** Total number of epochs (a resumed run continues up to this). @default 10 */
  epochs: number;
  /** Jets per gradient step. @default 512 */
  batchSize: number;
  /** Initial Adam learning rate lr0; the schedule is lr0 / (1 + epoch / 30). @default 1e-3 */
  learningRate: number;
  /** @default { name: 'crossentropy', gamma: 2 } */
  loss: LossConfig;
  /** Stop after this many epochs without a lower validation loss. @default 10 */
  patience: number;
  /** Seed of initialisation, split, shuffling and dropout. @default 1 */
  seed: number;
  /** Hidden layer widths. @default [100, 100, 100, 100, 100] */
  hidden: number[];
  /** @default 0.1 */
  dropout: number;
  /** Reweight every flavour to the b-jet (pT, |eta|) distribution in the loss. @default false */
  reweight: boolean;
  /**
   * Scale every flavour's jets so that all flavours carry the same total weight in the loss over the
   * training jets (the paper's flavour balancing; combines with `reweight`). @default false
   */
  balanceFlavours: boolean;
  /** Train / validation / test fractions. @default [0.72, 0.08, 0.2] */
  splitFractions: [number, number, number];
  /** Adversarial training: attacked batches replace clean ones. @default null (nominal training) */
  adversarial: AdversarialConfig | null;
  /**
   * Geometry-aware training: lambda of the input-gradient penalty lambda * <||grad_x L||^2> over free
   * inputs (double backpropagation); 0 = off. Combines with `adversarial`. @default 0
   */
  gradPenalty: number;
}

export interface AdversarialConfig {
  /** Attack generating the training inputs (with dropout active, as in the paper). */
  attack: Extract<AttackKind, 'fgsm' | 'ngm' | 'pgd'>;
  eps: number;
  /** Fraction of batches attacked: 1 = every batch (the paper), 0.5 = every second batch. @default 1 */
  fraction: number;
  /** Nominal epochs before attacks start. @default 0 */
  warmupEpochs: number;
  /** PGD options. */
  steps?: number;
  alpha?: number;
  norm?: 'linf' | 'l2';
}

const D = TRAIN_DEFAULTS;
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  epochs: D.epochs,
  batchSize: D.batchSize,
  learningRate: D.learningRate,
  loss: { name: D.loss, gamma: D.focalGamma },
  patience: D.patience,
  seed: D.seed,
  hidden: [...D.hidden],
  dropout: D.dropout,
  reweight: D.reweight,
  balanceFlavours: D.balanceFlavours,
  splitFractions: [0.72, 0.08, 0.2],
  adversarial: null,
  gradPenalty: D.gradPenalty,
};

/** Training settings as the command line and a Train job give them: flat, and each omitted one takes its default. */
export interface TrainOptions {
  epochs?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  hidden?: number[];
  dropout?: number;
  reweight?: boolean;
  balanceFlavours?: boolean;
  gradPenalty?: number;
  loss?: LossName;
  /** The focal loss's gamma; given alone it keeps the default loss (and is stored, unused). */
  focalGamma?: number;
  adversarial?: AdversarialConfig;
  /** Train / validation / test fractions (a preset names them). */
  splitFractions?: [number, number, number];
}

/** The TrainConfig entries these options set (startTraining fills in the rest from DEFAULT_TRAIN_CONFIG). */
export function trainConfigFrom(options: TrainOptions): Partial<TrainConfig> {
  const { loss, focalGamma, ...rest } = options;
  const config: Partial<TrainConfig> = { ...rest };
  if (loss !== undefined || focalGamma !== undefined) {
    config.loss = { name: loss ?? DEFAULT_TRAIN_CONFIG.loss.name, gamma: focalGamma ?? DEFAULT_TRAIN_CONFIG.loss.gamma };
  }
  for (const k of Object.keys(config) as Array<keyof TrainConfig>) if (config[k] === undefined) delete config[k];
  return config;
}

export function validateTrainConfig(c: TrainConfig): void {
  const bad = (what: string) => {
    throw new Error(`Invalid training setting: ${what}.`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1) bad(`epochs must be a positive integer, not ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) bad(`batch size must be a positive integer, not ${c.batchSize}`);
  if (!(c.learningRate > 0)) bad(`learning rate must be positive, not ${c.learningRate}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) bad(`dropout must be in [0, 1), not ${c.dropout}`);
  if (!Number.isInteger(c.patience) || c.patience < 1) bad(`patience must be a positive integer, not ${c.patience}`);
  if (c.hidden.length === 0 || c.hidden.some((h) => !Number.isInteger(h) || h < 1)) bad(`hidden layers must be positive integers, not [${c.hidden}]`);
  if (c.loss.name !== 'crossentropy' && c.loss.name !== 'focal') bad(`loss must be crossentropy or focal, not ${c.loss.name}`);
  if (!(c.loss.gamma >= 0)) bad(`focal gamma must be >= 0, not ${c.loss.gamma}`);
  if (c.adversarial) {
    const a = c.adversarial;
    if (!['fgsm', 'ngm', 'pgd'].includes(a.attack)) bad(`adversarial training uses fgsm, ngm or pgd, not ${a.attack} (attacks: ${ATTACK_KINDS.join(', ')})`);
    validateAttack({ kind: a.attack, eps: a.eps, steps: a.steps, alpha: a.alpha, norm: a.norm });
    if (!(a.fraction > 0 && a.fraction <= 1)) bad(`the adversarial batch fraction must be in (0, 1], not ${a.fraction}`);
    if (!Number.isInteger(a.warmupEpochs) || a.warmupEpochs < 0) bad(`warm-up epochs must be a non-negative integer, not ${a.warmupEpochs}`);
  }
  if (!(c.gradPenalty >= 0)) bad(`the gradient penalty must be >= 0, not ${c.gradPenalty}`);
  const [a, b, t] = c.splitFractions;
  if (![a, b, t].every((x) => x >= 0) || Math.abs(a + b + t - 1) > 1e-6 || a === 0 || b === 0) bad('split fractions must be non-negative, sum to 1, with non-empty train and validation parts');
}
