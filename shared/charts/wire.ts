/**
 * Chart options on the wire. The window builds an option with the shared builders and sends it to the
 * exporter as JSON; JSON cannot carry functions, so `toWire` replaces each declared function by its
 * {$fn, args} descriptor and `fromWire` rebuilds it from the registry below. Anything else that is a
 * function makes `toWire` fail loudly (a builder must declare its functions), except interaction-only
 * callbacks (tooltips), which a static figure never draws.
 */
import { descriptorOf, type FunctionDescriptor, type WireArgs } from './declarative.ts';
import { fixedDecimals } from './formatters.ts';
import { heatmapCellRenderer } from './heatmap.ts';
import { formatTick } from './style.ts';

type ChartFunction = (...a: never[]) => unknown;

function finite(args: WireArgs | undefined, key: string): number {
  const v = args?.[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`The chart function argument "${key}" must be a finite number.`);
  return v;
}

/** Every function a shared builder may put in an option, by name. */
const REGISTRY: Record<string, (args: WireArgs | undefined) => ChartFunction> = {
  formatTick: () => formatTick,
  heatmapCell: (a) => heatmapCellRenderer(finite(a, 'dx'), finite(a, 'dy')),
  fixedDecimals: (a) => fixedDecimals(Math.min(20, Math.max(0, Math.round(finite(a, 'decimals'))))),
};

/** Shared functions without arguments, recognised by identity (they need no tag). */
const PLAIN = new Map<unknown, string>([[formatTick, 'formatTick']]);

/** Option keys whose functions only matter when a person hovers over the chart. */
const INTERACTIVE_ONLY = new Set(['tooltip', 'axisPointer']);

/** Nesting deeper than this is not a chart option (and would only exhaust the stack). */
const MAX_DEPTH = 64;

export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

function describe(fn: unknown, path: string[]): FunctionDescriptor | undefined {
  const d = descriptorOf(fn);
  if (d) return d;
  const plain = PLAIN.get(fn);
  if (plain) return { $fn: plain };
  if (path.some((k) => INTERACTIVE_ONLY.has(k))) return undefined;
  throw new Error(`This chart cannot be exported: its option holds an undeclared function at ${path.join('.')} (declare it in shared/charts/wire.ts).`);
}

/** The option as plain JSON data, with declared functions as descriptors. */
export function toWire(option: Record<string, unknown>): Record<string, WireValue> {
  const walk = (v: unknown, path: string[]): WireValue | undefined => {
    if (path.length > MAX_DEPTH) throw new Error('This chart option is nested too deeply to export.');
    if (typeof v === 'function') return describe(v, path) as WireValue | undefined;
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number') return Number.isFinite(v) ? v : null;
      return typeof v === 'string' || typeof v === 'boolean' ? v : undefined;
    }
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]) ?? null);
    const out: Record<string, WireValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const w = walk(x, [...path, k]);
      if (w !== undefined) out[k] = w;
    }
    return out;
  };
  return walk(option, []) as Record<string, WireValue>;
}

function isDescriptor(v: Record<string, unknown>): boolean {
  return Object.hasOwn(v, '$fn');
}

/** The option with its descriptors turned back into the registered functions; unknown names are refused. */
export function fromWire(value: unknown): Record<string, unknown> {
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new Error('This chart option is nested too deeply to export.');
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const obj = v as Record<string, unknown>;
    if (isDescriptor(obj)) {
      const name = obj.$fn;
      if (typeof name !== 'string' || !Object.hasOwn(REGISTRY, name)) throw new Error(`Unknown chart function ${JSON.stringify(String(name)).slice(0, 60)}; the option must come from Tagscape's chart builders.`);
      const args = obj.args;
      if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) throw new Error(`The arguments of chart function "${name}" must be an object.`);
      return REGISTRY[name](args as WireArgs | undefined);
    }
    const out: Record<string, unknown> = {};
    // "__proto__" from JSON is an own key; copying it would replace the prototype.
    for (const [k, x] of Object.entries(obj)) if (k !== '__proto__') out[k] = walk(x, depth + 1);
    return out;
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('A chart option must be an object.');
  return walk(value, 0) as Record<string, unknown>;
}
