import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contourLevels, contourLines, contourSegments, type Point } from '../../shared/charts/contours.ts';
import { colourRange, heatmapChart } from '../../shared/charts/heatmap.ts';
import { interpolate, niceBounds, surface3dChart } from '../../shared/charts/surface3d.ts';

const grid = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const sample = (xv: number[], yv: number[], f: (x: number, y: number) => number) => xv.map((x) => yv.map((y) => f(x, y)));

/** Shoelace area of a closed polyline. */
function area(line: Point[]): number {
  let s = 0;
  for (let k = 0; k + 1 < line.length; k++) s += line[k][0] * line[k + 1][1] - line[k + 1][0] * line[k][1];
  return Math.abs(s) / 2;
}

describe('marching squares', () => {
  const v = grid(41, -1, 1);
  const h = v[1] - v[0];
  const paraboloid = sample(v, v, (x, y) => x * x + y * y);

  for (const c of [0.05, 0.3, 0.8]) {
    it(`the contour of x² + y² at ${c} is one closed loop on the circle of radius √${c}`, () => {
      const r = Math.sqrt(c);
      const lines = contourLines(v, v, paraboloid, c);
      assert.equal(lines.length, 1, 'one loop');
      const loop = lines[0];
      assert.deepEqual(loop[0], loop[loop.length - 1], 'closed');
      // Linear interpolation of a parabola along an edge of length h misplaces the root by at most
      // h² / (8 r) (the secant's error, curvature 2 over slope 2r); the bound below leaves a factor 2.
      const tol = (h * h) / (4 * r);
      for (const [x, y] of loop) assert.ok(Math.abs(Math.hypot(x, y) - r) <= tol, `(${x}, ${y}) is ${Math.hypot(x, y)}, circle ${r} ± ${tol}`);
      // Every crossed grid edge gives one point: about the circle's length over the spacing, times 4/π for the square grid.
      assert.ok(loop.length > (2 * Math.PI * r) / h, `${loop.length} points`);
      const a = area(loop);
      assert.ok(Math.abs(a - Math.PI * c) < 0.02 * Math.PI * c, `enclosed area ${a} vs π c = ${Math.PI * c}`);
    });
  }

  it('a contour cut by the map edge is one open line from edge to edge', () => {
    const lines = contourLines(v, v, paraboloid, 1.5); // circle of radius 1.22, cut by the square
    assert.equal(lines.length, 4, 'one arc per corner');
    for (const line of lines) {
      assert.notDeepEqual(line[0], line[line.length - 1]);
      for (const end of [line[0], line[line.length - 1]]) assert.ok(end.some((t) => Math.abs(Math.abs(t) - 1) < 1e-12), `end ${end} on the border`);
    }
  });

  it('resolves a saddle by its centre: the two branches of x·y = c stay apart', () => {
    const w = grid(20, -1, 1); // even: the origin lies inside a cell, whose corners alternate around c
    const c = (w[10] * w[10]) / 4;
    const lines = contourLines(w, w, sample(w, w, (x, y) => x * y), c);
    assert.equal(lines.length, 2);
    for (const line of lines) {
      const q = Math.sign(line[0][0]);
      assert.ok(line.every(([x, y]) => Math.sign(x) === q && Math.sign(y) === q), 'each branch stays in its quadrant');
      for (const [x, y] of line) assert.ok(Math.abs(x * y - c) < 0.01, `x·y = ${x * y} on the branch ${c}`);
    }
  });

  it('segments and lines hold the same points, and a plane gives straight contours', () => {
    const z = sample(v, v, (x, y) => 2 * x - y);
    const segs = contourSegments(v, v, z, 0.4);
    const lines = contourLines(v, v, z, 0.4);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].length, segs.length + 1);
    for (const [x, y] of lines[0]) assert.ok(Math.abs(2 * x - y - 0.4) < 1e-12, 'exact on a plane');
  });

  it('skips cells with a missing value', () => {
    const z = paraboloid.map((row) => [...row]);
    z[20][30] = NaN;
    const lines = contourLines(v, v, z, 0.25);
    assert.ok(lines.length >= 1);
    for (const line of lines) for (const p of line) assert.ok(p.every(Number.isFinite));
  });
});

describe('contour levels', () => {
  it('are round, strictly inside the range and about as many as asked', () => {
    assert.deepEqual(contourLevels(0, 1, 4), [0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(contourLevels(0.013, 0.087, 3), [0.02, 0.04, 0.06, 0.08]);
    const levels = contourLevels(0.31, 4.9, 8);
    assert.ok(levels.length >= 6 && levels.length <= 10, `${levels}`);
    assert.ok(levels.every((l) => l > 0.31 && l < 4.9));
  });

  it('include 0 on a symmetric difference scale', () => {
    assert.ok(contourLevels(-0.3, 0.3, 5).includes(0));
  });

  it('are empty for a flat map', () => {
    assert.deepEqual(contourLevels(1, 1, 8), []);
  });
});

describe('loss-map chart options', () => {
  const v = grid(11, -0.1, 0.1);
  const z = sample(v, v, (x, y) => 1 + 30 * x * x + 10 * y);

  it('share a colour range, and centre a difference map on 0', () => {
    assert.deepEqual(colourRange(z, false, [0, 5]), [0, 5]);
    const [lo, hi] = colourRange(sample(v, v, (x) => x - 0.02), true);
    assert.equal(lo, -hi);
    assert.ok(Math.abs(hi - 0.12) < 1e-12);
  });

  it('draw labelled contours and the FGSM arrow from the origin, shortened to the map when it lands outside', () => {
    const inside = heatmapChart({ x: { title: 'a', values: v }, y: { title: 'b', values: v }, z, zTitle: 'loss', label: { preset: 'plain' }, arrow: { x: 0.05, y: 0.02, label: 'FGSM ε=0.05' } });
    const series = inside.series as Array<Record<string, unknown>>;
    const contours = series.find((s) => s.type === 'lines' && s.polyline) as { data: unknown[] };
    assert.ok(contours.data.length > 0);
    const arrow = series.find((s) => Array.isArray(s.symbol)) as { data: Array<{ coords: number[][] }> };
    assert.deepEqual(arrow.data[0].coords, [[0, 0], [0.05, 0.02]]);
    const outside = heatmapChart({ x: { title: 'a', values: v }, y: { title: 'b', values: v }, z, zTitle: 'loss', label: { preset: 'plain' }, arrow: { x: 0.3, y: 0.1, label: 'FGSM' } });
    const end = ((outside.series as Array<Record<string, unknown>>).find((s) => Array.isArray(s.symbol)) as { data: Array<{ coords: number[][] }> }).data[0].coords[1];
    assert.ok(Math.abs(end[0] - 0.11) < 1e-12, 'on the right edge of the map (last cell edge at 0.11)');
    assert.ok(Math.abs(end[1] / end[0] - 1 / 3) < 1e-12, 'same direction');
    assert.ok(JSON.stringify(outside).includes('off the map'));
  });

  it('3D: the grid row by row with its shape, and the FGSM path on the surface', () => {
    const o = surface3dChart({ x: { title: 'a', values: v }, y: { title: 'b', values: v.slice(0, 7) }, z: z.map((r) => r.slice(0, 7)), zTitle: 'loss', path: { x: 0.05, y: -0.03, label: 'FGSM' } });
    const [surface, path] = o.series as Array<{ data: number[][]; dataShape?: number[] }>;
    assert.deepEqual(surface.dataShape, [7, 11]);
    assert.deepEqual(surface.data[1], [v[1], v[0], z[1][0]], 'x runs fastest');
    const last = path.data[path.data.length - 1];
    const [lo, hi] = colourRange(z.map((r) => r.slice(0, 7)));
    const lift = 0.02 * (hi - lo);
    assert.ok(Math.abs(last[2] - lift - (1 + 30 * 0.05 ** 2 - 0.3)) < 0.01, 'path ends just above the surface at the step');
    assert.ok(Math.abs(path.data[0][2] - lift - z[5][5]) < 1e-12, 'and starts just above the centre');
  });

  it('3D: a step overshooting the edge by rounding stays on the map; a longer one is cut at the edge and says so', () => {
    const ends = (x: number, y: number) => {
      const o = surface3dChart({ x: { title: 'a', values: v }, y: { title: 'b', values: v }, z, zTitle: 'loss', path: { x, y, label: 'FGSM' } });
      const [, path, point] = o.series as Array<{ data: number[][]; label?: { formatter: string } }>;
      return { end: path.data[path.data.length - 1], label: point.label!.formatter };
    };
    const rounding = ends(0.1 * (1 + 1e-8), 0);
    assert.equal(rounding.end[0], 0.1);
    assert.equal(rounding.label, 'FGSM');
    const long = ends(0.3, 0.15);
    assert.ok(Math.abs(long.end[0] - 0.1) < 1e-12 && Math.abs(long.end[1] - 0.05) < 1e-12, `cut at the edge: ${long.end}`);
    assert.match(long.label, /off the map/);
  });

  it('3D axis ends are round and enclose the data', () => {
    assert.deepEqual(niceBounds(0.2515, 1.4443), [0.25, 1.5]); // step 0.25, the first round step above (1.4443 - 0.2515) / 5
    assert.deepEqual(niceBounds(-0.2473, 0.2473), [-0.3, 0.3]);
  });

  it('bilinear interpolation is exact on a bilinear function and NaN off the grid', () => {
    const w = grid(5, 0, 1);
    const f = (x: number, y: number) => 2 + x - 3 * y + 4 * x * y;
    const zz = sample(w, w, f);
    for (const [x, y] of [[0.1, 0.9], [0.5, 0.5], [1, 0], [0.33, 0.77]]) assert.ok(Math.abs(interpolate(w, w, zz, x, y) - f(x, y)) < 1e-12);
    assert.ok(Number.isNaN(interpolate(w, w, zz, 1.2, 0)));
  });
});
