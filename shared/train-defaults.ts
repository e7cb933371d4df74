/**
 * The paper's training defaults (the DeepCSV setup of arXiv:2303.14511), in one place: the engine's
 * TrainConfig defaults (main/engine/train/config.ts), the command line's help, the API contract and the
 * Train form all read them. Plain data, so the window can import it without the engine (which loads tfjs).
 */

export const LOSS_NAMES = ['crossentropy', 'focal'] as const;

/**
 * The focal-loss gamma a training request may ask for. The paper's code trains with gamma = 25 (the
 * stein2022 preset): losses of 1e-6 and below, which Adam's scale-free steps still follow; far beyond,
 * (1 - p)^gamma leaves almost no jet a gradient.
 */
export const FOCAL_GAMMA_MAX = 50;

export const TRAIN_DEFAULTS = {
  epochs: 10,
  /** Jets per gradient step. */
  batchSize: 512,
  /** Initial Adam learning rate lr0 of the schedule lr0 / (1 + epoch / 30). */
  learningRate: 1e-3,
  loss: 'crossentropy' as (typeof LOSS_NAMES)[number],
  /** Used by the focal loss only. */
  focalGamma: 2,
  /** Early stopping after this many epochs without a lower validation loss. */
  patience: 10,
  seed: 1,
  /** Hidden layer widths: DeepCSV's five layers of 100. */
  hidden: [100, 100, 100, 100, 100] as readonly number[],
  dropout: 0.1,
  /** Reweight every flavour to the b-jet (pT, |eta|) distribution. */
  reweight: false,
  /** Give every flavour the same total weight in the loss (the paper's flavour balancing). */
  balanceFlavours: false,
  /** Adversarial training's eps, in training sigma, when it is turned on. */
  adversarialEps: 0.01,
  /** Fraction of batches attacked: 1 = every batch (the paper), 0.5 = every second batch. */
  adversarialFraction: 1,
  /** Nominal epochs before the attacks start. */
  adversarialWarmup: 0,
  /** lambda of the input-gradient penalty; 0 = off. */
  gradPenalty: 0,
} as const;
