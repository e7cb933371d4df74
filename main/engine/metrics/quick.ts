import type { FeatureSchema } from '../schema/index.ts';
import { discriminant } from './discriminants.ts';
import { rocCurve } from './roc.ts';

/** AUC of the schema's first discriminant (BvL), for per-epoch monitoring; null when undefined. */
export function evaluateBinaryAuc(schema: FeatureSchema, probs: Float32Array, labels: Int32Array): number | null {
  const d = schema.discriminants[0];
  const { values, isSignal } = discriminant(probs, labels, schema, d);
  return rocCurve({ scores: values, isSignal })?.auc ?? null;
}
