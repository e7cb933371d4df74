/**
 * The Train form: its fields with the paper's defaults, and the training job they ask for. The form is
 * checked here first so a wrong field gets one sentence naming it; the server validates the job again.
 */
import type { Request } from '../../../shared/api/contract.ts';
import { FOCAL_GAMMA_MAX, LOSS_NAMES, TRAIN_DEFAULTS as D } from '../../../shared/train-defaults.ts';
import { PRESETS, type PresetName } from '../../../shared/presets.ts';

export type TrainJob = Extract<Request<'startJob'>['job'], { kind: 'train' }>;
type Adversarial = 'none' | 'fgsm' | 'ngm' | 'pgd';

/** What the fields hold; a number field emptied by the user holds null. */
export interface TrainForm {
  name: string;
  data: string;
  hidden: string;
  dropout: number | null;
  epochs: number | null;
  batchSize: number | null;
  learningRate: number | null;
  loss: (typeof LOSS_NAMES)[number];
  focalGamma: number | null;
  patience: number | null;
  seed: number | null;
  reweight: boolean;
  adv: Adversarial;
  eps: number | null;
  advFraction: number | null;
  advWarmup: number | null;
  gradPenalty: number | null;
  /** The preset the fields were filled from ('' = none): the job names it, so data it does not fit are refused. */
  preset: PresetName | '';
}

/** Every field but the run's name and data, at the paper's defaults (shared with the engine). */
export function paperDefaults(): Omit<TrainForm, 'name' | 'data'> {
  return {
    hidden: D.hidden.join(','),
    dropout: D.dropout,
    epochs: D.epochs,
    batchSize: D.batchSize,
    learningRate: D.learningRate,
    loss: D.loss,
    focalGamma: D.focalGamma,
    patience: D.patience,
    seed: D.seed,
    reweight: D.reweight,
    adv: 'none',
    eps: D.adversarialEps,
    advFraction: D.adversarialFraction,
    advWarmup: D.adversarialWarmup,
    gradPenalty: D.gradPenalty,
    preset: '',
  };
}

/** Every field but the run's name and data, as the preset sets them (shared/presets.ts, as `train --preset`). */
export function presetFields(name: PresetName): Omit<TrainForm, 'name' | 'data'> {
  const { settings } = PRESETS[name];
  const a = settings.adversarial;
  return {
    ...paperDefaults(),
    learningRate: settings.learningRate,
    loss: settings.loss,
    focalGamma: settings.focalGamma,
    reweight: settings.reweight,
    adv: a.attack,
    eps: a.eps,
    advFraction: a.fraction,
    advWarmup: a.warmupEpochs,
    preset: name,
  };
}

/** The settings a preset fixes: a form whose fields moved away from one of them no longer names the preset. */
const PRESET_FIELDS = ['learningRate', 'loss', 'focalGamma', 'reweight', 'adv', 'eps', 'advFraction', 'advWarmup'] as const;

/** Whether the form still holds the preset's settings. */
export function holdsPreset(f: TrainForm, name: PresetName): boolean {
  const p = presetFields(name);
  return PRESET_FIELDS.every((k) => f[k] === p[k]);
}

const MAX_LAYERS = 16;
const MAX_WIDTH = 4096;

/** An emptied field (or anything but a number, e.g. from a form stored by an older version) is not a number. */
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const whole = (v: number, min: number, max = Infinity) => Number.isInteger(v) && v >= min && v <= max;

export class FieldError extends Error {
  constructor(readonly field: keyof TrainForm, message: string) {
    super(message);
  }
}

/** The training job the form asks for; throws a FieldError naming the first wrong field. */
export function trainJob(f: TrainForm): TrainJob {
  const check = (ok: boolean, field: keyof TrainForm, message: string) => {
    if (!ok) throw new FieldError(field, message);
  };
  const widths = f.hidden.split(',').map((w) => w.trim());
  const hidden = widths.map(Number);
  check(
    widths.length <= MAX_LAYERS && widths.every((w) => /^\d+$/.test(w)) && hidden.every((h) => whole(h, 1, MAX_WIDTH)),
    'hidden',
    `Hidden layers must be up to ${MAX_LAYERS} comma-separated widths from 1 to ${MAX_WIDTH}, e.g. ${D.hidden.join(',')}.`,
  );
  const dropout = num(f.dropout);
  check(dropout >= 0 && dropout < 1, 'dropout', `Dropout must be a fraction from 0 up to (not including) 1, e.g. ${D.dropout}.`);
  const epochs = num(f.epochs);
  check(whole(epochs, 1, 10000), 'epochs', 'Epochs must be a whole number from 1 to 10000.');
  const batchSize = num(f.batchSize);
  check(whole(batchSize, 1, 1 << 20), 'batchSize', `The batch size must be a whole number of jets from 1 to ${1 << 20}, e.g. ${D.batchSize}.`);
  const learningRate = num(f.learningRate);
  check(learningRate > 0 && learningRate <= 10, 'learningRate', `The learning rate must be a positive number up to 10, e.g. ${D.learningRate}.`);
  const focalGamma = num(f.focalGamma);
  check(f.loss !== 'focal' || (focalGamma >= 0 && focalGamma <= FOCAL_GAMMA_MAX), 'focalGamma', `The focal-loss γ must be from 0 (cross-entropy) to ${FOCAL_GAMMA_MAX}, e.g. ${D.focalGamma}.`);
  const patience = num(f.patience);
  check(whole(patience, 1, 10000), 'patience', 'Patience must be a whole number of epochs from 1 to 10000.');
  const seed = num(f.seed);
  check(whole(seed, 0, 2 ** 31 - 1), 'seed', 'The seed must be a whole number, 0 or more.');
  const eps = num(f.eps);
  check(f.adv === 'none' || (eps > 0 && eps <= 100), 'eps', `Adversarial training needs ε > 0 in training σ (up to 100), e.g. ${D.adversarialEps}.`);
  const fraction = num(f.advFraction);
  check(f.adv === 'none' || (fraction > 0 && fraction <= 1), 'advFraction', 'The attacked fraction of batches must be above 0 and at most 1 (1 = every batch, as in the paper).');
  const warmupEpochs = num(f.advWarmup);
  check(f.adv === 'none' || (whole(warmupEpochs, 0, 10000) && warmupEpochs < epochs), 'advWarmup', 'Warm-up must be a whole number of nominal epochs, 0 or more and fewer than the epochs (or no attack would ever run).');
  const gradPenalty = num(f.gradPenalty);
  check(gradPenalty >= 0 && gradPenalty <= 1e6, 'gradPenalty', 'The gradient penalty λ must be 0 (off) or a positive number up to 10⁶, e.g. 0.1.');
  return {
    kind: 'train',
    name: f.name,
    data: f.data,
    hidden,
    dropout,
    epochs,
    batchSize,
    learningRate,
    loss: f.loss,
    ...(f.loss === 'focal' ? { focalGamma } : {}),
    patience,
    seed,
    reweight: f.reweight,
    ...(f.adv !== 'none' ? { adversarial: { attack: f.adv, eps, fraction, warmupEpochs } } : {}),
    ...(gradPenalty > 0 ? { gradPenalty } : {}),
    ...(f.preset && holdsPreset(f, f.preset) ? { preset: f.preset } : {}),
  };
}
