/**
 * Training presets: named sets of settings, defined once here so that `tagscape train --preset NAME`, a
 * Train job and the Train form's button give the same run. Plain data, so the window can import it
 * without the engine. A preset sets only what it names; every other setting keeps its default, and a
 * setting given explicitly (a command-line option) wins over the preset's.
 */
import { TRAIN_DEFAULTS } from './train-defaults.ts';

export const PRESET_NAMES = ['stein2022'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface TrainPreset {
  name: PresetName;
  /** One line for the help and the form's button title. */
  title: string;
  /** The feature schema the preset is meant for, and how to say it to a user. */
  schema: { name: string; text: string };
  /** The settings, in the shape of a Train job's and the engine's TrainOptions. */
  settings: {
    learningRate: number;
    loss: 'focal';
    focalGamma: number;
    reweight: boolean;
    balanceFlavours: boolean;
    adversarial: { attack: 'fgsm'; eps: number; fraction: number; warmupEpochs: number };
  };
  /** Train / validation / test fractions: the paper's 72/8/20, which is also every run's default. */
  splitFractions: [number, number, number];
}

/**
 * What the paper's own code does (AnnikaStein/Adversarial-Training-for-Jet-Tagging, training/training.py;
 * A. Stein et al., arXiv:2203.13890): the UCI Jet Flavor inputs, focal loss with gamma = 25, Adam at
 * lr 1e-4 with the decay lr0 / (1 + epoch / 30), pT–eta–flavour reweighting of the loss (every flavour to
 * one (pT, eta) shape, and the flavours balanced to equal total weight), every batch
 * replaced by its FGSM version at eps = 0.01, and the 72/8/20 split. Not copied: the original puts a
 * Softmax layer in front of a loss that applies log-softmax itself (a double softmax, which squeezes the
 * probabilities the focal term sees); here the loss sees the network's logits once (docs/defaults.md).
 */
export const PRESETS: Record<PresetName, TrainPreset> = {
  stein2022: {
    name: 'stein2022',
    title: "the paper's own code: UCI inputs, focal loss γ=25, Adam lr 1e-4, pT–η–flavour reweighting, FGSM training at ε=0.01",
    schema: { name: 'uci', text: 'UCI Jet Flavor data (184 inputs; classes b, c, udsg)' },
    settings: {
      learningRate: 1e-4,
      loss: 'focal',
      focalGamma: 25,
      reweight: true,
      balanceFlavours: true,
      adversarial: { attack: 'fgsm', eps: 0.01, fraction: TRAIN_DEFAULTS.adversarialFraction, warmupEpochs: TRAIN_DEFAULTS.adversarialWarmup },
    },
    splitFractions: [0.72, 0.08, 0.2],
  },
};

/** The preset of that name, or an error naming the known ones. */
export function getPreset(name: string): TrainPreset {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown preset "${name}"; the presets are ${PRESET_NAMES.join(', ')}.`);
  return PRESETS[name as PresetName];
}

/**
 * One sentence saying why the preset does not fit data of this schema, or null when it does.
 * @param schema the data's schema name and its number of inputs and classes
 */
export function presetMismatch(preset: TrainPreset, schema: { name: string; inputs: number; classes: string[] }): string | null {
  if (schema.name === preset.schema.name) return null;
  return `The ${preset.name} preset is for ${preset.schema.text}, but these data have the ${schema.name} schema (${schema.inputs} inputs; classes ${schema.classes.join(', ')}).`;
}
