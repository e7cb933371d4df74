/**
 * What differs between two run configs: both are flattened to dotted keys (train.adversarial.eps) and
 * only the keys whose values differ are kept, in the order they appear in the configs. Arrays are
 * compared whole (model.hidden [100, 100] against [64]), since a layer list is one setting.
 */

export interface ConfigDifference {
  key: string;
  /**
   * The value in each config; where a setting is a group in one config and a plain value in the other
   * (train.adversarial: null vs {attack, eps}), each key of the group gets that plain value. undefined:
   * the key is absent from that config.
   */
  a: unknown;
  b: unknown;
}

export interface ConfigDiffOptions {
  /** Keys left out, with everything below them (e.g. 'created' or 'data'). @default [] */
  ignore?: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nested objects to dotted keys; arrays, empty objects and other values are leaves. */
export function flattenConfig(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: unknown, key: string) => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) walk(child, key ? `${key}.${k}` : k);
    } else {
      out.set(key, v);
    }
  };
  walk(value, prefix);
  return out;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === undefined || y === undefined) return x === y;
  return Object.is(x, y) || (typeof x === 'object' && typeof y === 'object' && JSON.stringify(x) === JSON.stringify(y));
}

/** A key's value, or the plain value of the nearest enclosing key (a null group covers all its keys). */
function lookup(flat: Map<string, unknown>, key: string): unknown {
  for (let k = key; ; k = k.slice(0, k.lastIndexOf('.'))) {
    if (flat.has(k)) return flat.get(k);
    if (!k.includes('.')) return undefined;
  }
}

export function configDiff(a: unknown, b: unknown, options: ConfigDiffOptions = {}): ConfigDifference[] {
  const ignore = options.ignore ?? [];
  const ignored = (key: string) => ignore.some((i) => key === i || key.startsWith(`${i}.`));
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  // A plain value facing a group is shown against each key of the group, in its place, not as a row of its own.
  const keys = new Set<string>();
  const groupIn = (flat: Map<string, unknown>, key: string) => [...flat.keys()].filter((k) => k.startsWith(`${key}.`));
  for (const k of fa.keys()) {
    const group = groupIn(fb, k);
    for (const key of group.length ? group : [k]) keys.add(key);
  }
  for (const k of fb.keys()) if (groupIn(fa, k).length === 0) keys.add(k);
  return [...keys]
    .map((key) => ({ key, a: lookup(fa, key), b: lookup(fb, key) }))
    .filter((d) => !ignored(d.key) && !sameValue(d.a, d.b));
}

/** A config value as one short line: arrays joined, long texts cut with an ellipsis, absent keys as a dash. */
export function formatConfigValue(v: unknown, maxLength = 80): string {
  const text = v === undefined ? '—' : Array.isArray(v) ? `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}]` : typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
