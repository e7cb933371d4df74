export interface Histogram {
  edges: number[];
  counts: number[];
  /** Entries below the first or above the last edge. */
  underflow: number;
  overflow: number;
}

/** Fixed-width histogram; the last bin is closed on the right so that a value equal to `hi` counts. */
export function histogram(values: ArrayLike<number>, options: { bins: number; lo: number; hi: number; weights?: ArrayLike<number>; select?: (i: number) => boolean }): Histogram {
  const { bins, lo, hi } = options;
  if (!(hi > lo) || bins < 1) throw new RangeError(`A histogram needs hi > lo and at least one bin (got ${lo}..${hi}, ${bins} bins).`);
  const counts = new Array(bins).fill(0);
  let underflow = 0;
  let overflow = 0;
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    if (options.select && !options.select(i)) continue;
    const v = values[i];
    const w = options.weights ? options.weights[i] : 1;
    if (v < lo) underflow += w;
    else if (v > hi) overflow += w;
    else counts[Math.min(bins - 1, Math.floor((v - lo) / width))] += w;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * width), counts, underflow, overflow };
}
