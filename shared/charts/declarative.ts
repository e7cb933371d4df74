/**
 * A chart option is data, except for the few functions ECharts needs (a tick formatter, a custom
 * series' renderItem). A builder that needs one makes it through a named factory and tags it with the
 * name and the arguments, so the option can cross the API as JSON and be rebuilt on the other side
 * (see wire.ts). No code travels: only a name from a fixed registry and plain arguments.
 */

export type WireArgs = Record<string, number | string | boolean>;
export interface FunctionDescriptor {
  $fn: string;
  args?: WireArgs;
}

const TAG = Symbol.for('tagscape.chart-function');

/** Tag `fn` as the product of the registered factory `name` called with `args`. */
export function declarative<F extends (...a: never[]) => unknown>(fn: F, name: string, args?: WireArgs): F {
  Object.defineProperty(fn, TAG, { value: args ? { $fn: name, args } : { $fn: name } });
  return fn;
}

/** The descriptor a declarative function carries, or null for any other function. */
export function descriptorOf(fn: unknown): FunctionDescriptor | null {
  return typeof fn === 'function' ? ((fn as unknown as Record<symbol, FunctionDescriptor | undefined>)[TAG] ?? null) : null;
}
