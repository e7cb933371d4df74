/** Axis ranges chosen like a physicist would: linear ranges padded to round numbers, log ranges to decades. */

export function niceLinear(lo: number, hi: number, pad = 0.05): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const span = hi - lo;
  const step = Math.pow(10, Math.floor(Math.log10(span))) / 2;
  const round = (v: number) => Number(v.toPrecision(12));
  return [round(Math.floor((lo - pad * span) / step) * step), round(Math.ceil((hi + pad * span) / step) * step)];
}

export function niceLog(lo: number, hi: number): [number, number] {
  const a = Math.max(lo, 1e-12);
  const b = Math.max(hi, a * 10);
  return [Math.pow(10, Math.floor(Math.log10(a))), Math.pow(10, Math.ceil(Math.log10(b)))];
}

export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * An axis range whose ends are multiples of a 1-2-5 step giving about `ticks` intervals, the step ECharts
 * picks for its ticks too: no odd end label crowds the last tick.
 */
export function tickAlignedRange(lo: number, hi: number, ticks = 5): { min: number; max: number } {
  if (!(hi > lo)) return { min: lo - 0.5, max: lo + 0.5 };
  const raw = (hi - lo) / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw * (1 - 1e-9))!;
  const clean = (v: number) => Number(v.toPrecision(10));
  return { min: clean(Math.floor(lo / step + 1e-9) * step), max: clean(Math.ceil(hi / step - 1e-9) * step) };
}

/**
 * A linear axis range that ends at the data: the extent of the finite values, widened only to the
 * nearest tick of tickAlignedRange (no padding step beyond the last point). Fixed ends override.
 */
export function dataAxisRange(values: Iterable<number>, min?: number, max?: number): [number, number] {
  const [lo, hi] = extent(values);
  if (!Number.isFinite(lo)) return [min ?? 0, max ?? 1];
  const r = tickAlignedRange(min ?? lo, max ?? hi);
  return [min ?? r.min, max ?? r.max];
}

/** Tick values at multiples of a 1-2-5 step inside [lo, hi], about `ticks` intervals (the step tickAlignedRange uses). */
export function niceTicks(lo: number, hi: number, ticks = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw * (1 - 1e-9))!;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(10)));
  return out;
}
