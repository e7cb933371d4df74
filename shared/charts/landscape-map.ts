/**
 * From a stored loss surface to the heatmap builder's input, the same way on the Landscape page and in
 * `tagscape export --plot landscape`: the axes in the directions' own units or, for input axes, in
 * physical units (the jet's value, or the shift for an averaged map); the jet's point and its FGSM step in
 * those coordinates; and, for the screen only, a grid thinned to a size the browser draws quickly.
 */
import type { HeatmapInput } from './heatmap.ts';

/** One axis of a stored surface (main/engine/landscape/run-landscape.ts, SurfaceAxis). */
export interface MapAxis {
  name: string;
  kind: string;
  offsets: number[];
  physical?: { unit: string; values: number[]; meaning: 'value' | 'shift' };
}

export interface MapOptions {
  /** Input axes in physical units where the surface records them. @default false */
  physical?: boolean;
  /** Colours and contours in log z (heatmap.ts). @default false */
  logScale?: boolean;
  /** Thin the grid to at most this many cells (every k-th point per axis, the centre kept). @default no limit */
  maxCells?: number;
}

/** The axis title and the map from offsets to the axis's coordinate. */
function axisOf(a: MapAxis, normalisation: string, physical: boolean): { title: string; at: (offset: number) => number } {
  const p = physical ? a.physical : undefined;
  const n = a.offsets.length;
  if (p && n > 1 && a.offsets[n - 1] !== a.offsets[0]) {
    // Physical values are linear in the offset: value = base + offset * sigma.
    const slope = (p.values[n - 1] - p.values[0]) / (a.offsets[n - 1] - a.offsets[0]);
    const base = p.values[0] - a.offsets[0] * slope;
    const unit = p.unit ? ` (${p.unit})` : '';
    return { title: p.meaning === 'value' ? `${a.name}${unit}` : `${a.name} shift${unit}`, at: (o) => base + o * slope };
  }
  return { title: a.kind === 'feature' ? `${a.name} offset (σ)` : `${a.name} direction (${normalisation})`, at: (o) => o };
}

/** Indices 0..n-1 every `stride`, in step with `centre` so the middle point stays. */
function strideIndices(n: number, stride: number, centre: number): number[] {
  const out: number[] = [];
  for (let i = centre % stride; i < n; i += stride) out.push(i);
  return out;
}

/**
 * The stride per axis that brings nx x ny cells to at most maxCells; where a stride up to twice that
 * divides both half-grids, that one, so the thinned map still ends where the scan ends.
 */
export function thinningStride(nx: number, ny: number, maxCells: number): number {
  const need = Math.max(1, Math.ceil(Math.sqrt((nx * ny) / maxCells)));
  if (need === 1) return 1;
  const fits = (n: number, s: number) => n % 2 === 1 && ((n - 1) / 2) % s === 0;
  for (let s = need; s <= 2 * need; s++) if (fits(nx, s) && fits(ny, s)) return s;
  return need;
}

export interface MapInput {
  input: Pick<HeatmapInput, 'x' | 'y' | 'z' | 'origin' | 'logScale'>;
  /** The FGSM step's end in the map's coordinates, given (a, b) in offsets. */
  point(a: number, b: number): [number, number];
  /** Every how many grid points one is drawn (1 = all). */
  stride: number;
}

/** The heatmap input of a surface's map z[i][j] over two axes. */
export function landscapeMapInput(axes: [MapAxis, MapAxis], z: number[][], normalisation: string, options: MapOptions = {}): MapInput {
  const [ax, ay] = axes.map((a) => axisOf(a, normalisation, options.physical === true));
  const nx = axes[0].offsets.length;
  const ny = axes[1].offsets.length;
  const stride = options.maxCells ? thinningStride(nx, ny, options.maxCells) : 1;
  const ix = strideIndices(nx, stride, Math.floor(nx / 2));
  const iy = strideIndices(ny, stride, Math.floor(ny / 2));
  return {
    input: {
      x: { title: ax.title, values: ix.map((i) => ax.at(axes[0].offsets[i])) },
      y: { title: ay.title, values: iy.map((j) => ay.at(axes[1].offsets[j])) },
      z: stride === 1 ? z : ix.map((i) => iy.map((j) => z[i][j])),
      origin: [ax.at(0), ay.at(0)],
      logScale: options.logScale === true,
    },
    point: (a, b) => [ax.at(a), ay.at(b)],
    stride,
  };
}
