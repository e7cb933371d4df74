import fs from 'node:fs';
import type { FeatureSchema } from '../schema/index.ts';

/**
 * Per-feature eps factors from a JSON object: {"trackSip2dSig_0": 0.5, "group:vertex": 0, "*": 1}.
 * A feature name wins over its group, its group over "*"; anything unnamed keeps factor 1.
 */
export function epsFactorsFromJson(schema: FeatureSchema, spec: Record<string, unknown>, source = 'eps factors'): Float32Array {
  const names = new Set(schema.features.map((f) => f.name));
  const groups = new Set(schema.features.map((f) => `group:${f.group}`));
  for (const [k, v] of Object.entries(spec)) {
    if (k !== '*' && !names.has(k) && !groups.has(k)) {
      throw new Error(`${source}: "${k}" is neither a ${schema.name} input nor a group (${[...groups].join(', ')}).`);
    }
    if (typeof v !== 'number' || !(v >= 0)) throw new Error(`${source}: the factor of "${k}" must be a number >= 0, not ${JSON.stringify(v)}.`);
  }
  const pick = (k: string) => spec[k] as number | undefined;
  return Float32Array.from(schema.features, (f) => pick(f.name) ?? pick(`group:${f.group}`) ?? pick('*') ?? 1);
}

export function epsFactorsFromFile(schema: FeatureSchema, file: string): Float32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read eps factors (${(e as Error).message.split('\n')[0]}); give a JSON object of feature -> factor.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file}: eps factors must be a JSON object of feature -> factor.`);
  return epsFactorsFromJson(schema, parsed as Record<string, unknown>, file);
}
