/**
 * Label formatters for the shared builders, declared so that options holding them can be exported from
 * the window (wire.ts rebuilds them by name).
 */
import { declarative } from './declarative.ts';

/** A data label showing the value with a fixed number of decimals, e.g. 0.734 for 3. */
export function fixedDecimals(decimals: number) {
  return declarative((p: { value: number }) => (typeof p.value === 'number' ? p.value.toFixed(decimals) : String(p.value)), 'fixedDecimals', { decimals });
}
