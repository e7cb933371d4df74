/** What a tagger's inputs and outputs mean: names, units, defaults, groups, classes, discriminants. */

export type FeatureGroup = 'jet' | 'vertex' | `track${number}` | 'tracks';

export interface FeatureSpec {
  name: string;
  /** Physical unit, '' for dimensionless quantities. */
  unit: string;
  /** Integer-valued inputs (counts, categories) are never perturbed by an attack. */
  integer: boolean;
  /** Value a missing track or vertex gets; NaN when the feature has no default. */
  defaultValue: number;
  group: FeatureGroup;
  description: string;
}

export interface DiscriminantSpec {
  name: string;
  /** Classes summed in the numerator; they are the signal of the discriminant's ROC. */
  signal: string[];
  /** Classes added in the denominator; they are the background. */
  background: string[];
  description: string;
}

export interface FeatureSchema {
  name: string;
  description: string;
  features: FeatureSpec[];
  classes: string[];
  discriminants: DiscriminantSpec[];
}

export function featureIndex(schema: FeatureSchema, name: string): number {
  const i = schema.features.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`The ${schema.name} schema has no input feature named "${name}".`);
  return i;
}

export function classIndex(schema: FeatureSchema, name: string): number {
  const i = schema.classes.indexOf(name);
  if (i < 0) throw new Error(`The ${schema.name} schema has no class named "${name}".`);
  return i;
}
