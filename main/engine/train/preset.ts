/**
 * Training presets (shared/presets.ts) applied to training options, the same way for the command line
 * and Train jobs: the preset's settings first, then whatever the caller gave explicitly on top.
 */
import { getPreset, presetMismatch } from '../../../shared/presets.ts';
import type { FeatureSchema } from '../schema/index.ts';
import type { TrainOptions } from './config.ts';

/** The options with the preset's settings underneath: every option given (not undefined) wins. */
export function withPreset(name: string | undefined, options: TrainOptions): TrainOptions {
  if (name === undefined) return options;
  const { settings, splitFractions } = getPreset(name);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as TrainOptions;
  return { ...settings, adversarial: { ...settings.adversarial }, splitFractions: [...splitFractions], ...given };
}

/** Throws one sentence when the preset is not meant for data of this schema. */
export function checkPresetData(name: string | undefined, schema: FeatureSchema): void {
  if (name === undefined) return;
  const wrong = presetMismatch(getPreset(name), { name: schema.name, inputs: schema.features.length, classes: schema.classes });
  if (wrong) throw new Error(wrong);
}
