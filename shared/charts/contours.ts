/**
 * Iso-lines of a function sampled on a rectangular grid, by marching squares. Every contour point sits on
 * a grid edge and is computed once per edge, so the pieces from neighbouring cells meet exactly and join
 * into polylines (closed loops for a contour inside the map). Saddle cells are resolved with the mean
 * of their corners, so two branches never get joined across a pass that lies below the level.
 */

export type Point = [number, number];

/** The grid: z[i][j] at (xv[i], yv[j]). */
interface Grid {
  xv: number[];
  yv: number[];
  z: number[][];
}

/**
 * Segments as pairs of edge ids. Edge 2*(i*ny+j) runs from node (i,j) to (i+1,j), edge 2*(i*ny+j)+1 from
 * (i,j) to (i,j+1).
 */
function edgeSegments({ xv, yv, z }: Grid, level: number): Array<[number, number]> {
  const ny = yv.length;
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < xv.length; i++) {
    for (let j = 0; j + 1 < ny; j++) {
      // Corners counter-clockwise from (i,j); edge k joins corner k and corner k+1.
      const c = [z[i][j], z[i + 1][j], z[i + 1][j + 1], z[i][j + 1]];
      if (!c.every(Number.isFinite)) continue;
      const edges = [2 * (i * ny + j), 2 * ((i + 1) * ny + j) + 1, 2 * (i * ny + j + 1), 2 * (i * ny + j) + 1];
      const above = c.map((v) => v >= level);
      const crossed = [0, 1, 2, 3].filter((k) => above[k] !== above[(k + 1) % 4]);
      if (crossed.length === 2) {
        out.push([edges[crossed[0]], edges[crossed[1]]]);
      } else if (crossed.length === 4) {
        // A saddle: cut off the two corners on the other side of the level than the cell's centre.
        const centreAbove = (c[0] + c[1] + c[2] + c[3]) / 4 >= level;
        for (let k = 0; k < 4; k++) if (above[k] !== centreAbove) out.push([edges[(k + 3) % 4], edges[k]]);
      }
    }
  }
  return out;
}

/** Where the level crosses an edge, by linear interpolation between its two nodes. */
function edgePoint({ xv, yv, z }: Grid, level: number, id: number): Point {
  const ny = yv.length;
  const node = id >> 1;
  const i = Math.floor(node / ny);
  const j = node % ny;
  const [i2, j2] = id & 1 ? [i, j + 1] : [i + 1, j];
  const t = (level - z[i][j]) / (z[i2][j2] - z[i][j]);
  return [xv[i] + t * (xv[i2] - xv[i]), yv[j] + t * (yv[j2] - yv[j])];
}

/** The contour of z at `level` as separate segments, in data coordinates. */
export function contourSegments(xv: number[], yv: number[], z: number[][], level: number): Array<[Point, Point]> {
  const grid = { xv, yv, z };
  return edgeSegments(grid, level).map(([a, b]) => [edgePoint(grid, level, a), edgePoint(grid, level, b)]);
}

/**
 * The contour of z at `level` as polylines: open ones run from map edge to map edge, closed ones repeat
 * their first point at the end.
 */
export function contourLines(xv: number[], yv: number[], z: number[][], level: number): Point[][] {
  const grid = { xv, yv, z };
  const segs = edgeSegments(grid, level);
  const byEdge = new Map<number, number[]>();
  segs.forEach(([a, b], s) => {
    for (const e of [a, b]) {
      const list = byEdge.get(e);
      if (list) list.push(s);
      else byEdge.set(e, [s]);
    }
  });
  const used = new Uint8Array(segs.length);
  const walk = (startEdge: number, firstSeg: number): number[] => {
    const chain = [startEdge];
    let edge = startEdge;
    let seg: number | undefined = firstSeg;
    while (seg !== undefined && !used[seg]) {
      used[seg] = 1;
      const [a, b] = segs[seg];
      edge = a === edge ? b : a;
      chain.push(edge);
      seg = byEdge.get(edge)!.find((s) => !used[s]);
    }
    return chain;
  };
  const lines: number[][] = [];
  // Open lines first, from an end on the map's border (an edge only one segment touches).
  for (const [edge, list] of byEdge) if (list.length === 1 && !used[list[0]]) lines.push(walk(edge, list[0]));
  segs.forEach(([a], s) => {
    if (!used[s]) lines.push(walk(a, s));
  });
  return lines.map((chain) => chain.map((e) => edgePoint(grid, level, e)));
}

/**
 * About `count` round levels strictly between lo and hi (steps of 1, 2, 2.5 or 5 times a power of ten),
 * so contour labels read cleanly; 0 is a level whenever lo < 0 < hi.
 */
export function contourLevels(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo) || count < 1 || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const raw = (hi - lo) / (count + 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const levels: number[] = [];
  for (let k = Math.floor(lo / step) + 1; k * step < hi; k++) {
    const v = Number((k * step).toPrecision(12));
    if (v > lo && v < hi) levels.push(v);
  }
  return levels;
}

/**
 * About `count` levels strictly between lo > 0 and hi, evenly spaced in log z: every decade (or every
 * second, third, fifth, tenth) when the range spans many decades, else 1-3, 1-2-5 or 1-1.5-2-3-5-7 times a
 * power of ten. For colour scales in log z, where losses run from 1e-6 to 1 (focal loss with gamma = 25).
 */
export function logContourLevels(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0) || !(hi > lo) || count < 1 || !Number.isFinite(hi)) return [];
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.ceil(Math.log10(hi));
  const levels = (mantissas: number[], stride: number): number[] => {
    const out: number[] = [];
    for (let d = d0; d <= d1; d++) {
      if (((d % stride) + stride) % stride !== 0) continue;
      for (const m of mantissas) {
        const v = Number((m * 10 ** d).toPrecision(12));
        if (v > lo && v < hi) out.push(v);
      }
    }
    return out;
  };
  const candidates = [
    ...[10, 5, 3, 2, 1].map((stride) => levels([1], stride)),
    levels([1, 3], 1),
    levels([1, 2, 5], 1),
    levels([1, 1.5, 2, 3, 5, 7], 1),
  ];
  // The candidate closest to `count` levels; on a tie the sparser one (listed first).
  return candidates.reduce((best, c) => (Math.abs(c.length - count) < Math.abs(best.length - count) ? c : best));
}

/** A level or scale value in few characters: 0.25, 3, 1e-6, 2.5e-5. */
export function levelText(v: number): string {
  const r = Number(v.toPrecision(3));
  return r === 0 || (Math.abs(r) >= 1e-3 && Math.abs(r) < 1e4) ? String(r) : r.toExponential();
}
