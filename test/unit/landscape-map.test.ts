import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heatmapChart } from '../../shared/charts/heatmap.ts';
import { landscapeMapInput, thinningStride, type MapAxis } from '../../shared/charts/landscape-map.ts';

const axis = (name: string, n: number, span: number, physical?: { base: number; sigma: number; unit: string }): MapAxis => {
  const offsets = Array.from({ length: n }, (_, i) => (i === (n - 1) / 2 ? 0 : span * ((2 * i) / (n - 1) - 1)));
  return { name, kind: 'feature', offsets, ...(physical ? { physical: { unit: physical.unit, values: offsets.map((o) => physical.base + o * physical.sigma), meaning: 'value' as const } } : {}) };
};

describe('loss maps from stored surfaces', () => {
  it('draws input axes in physical units around the jet, with its FGSM step carried along', () => {
    const ax = axis('trackSip2dSig_0', 5, 0.5, { base: 3.2, sigma: 4, unit: '' });
    const ay = axis('jet_pt', 5, 0.5, { base: 80, sigma: 30, unit: 'GeV' });
    const z = ax.offsets.map((a) => ay.offsets.map((b) => 1 + a + b));
    const m = landscapeMapInput([ax, ay], z, 'sigma', { physical: true });
    assert.deepEqual(m.input.x.values.map((v) => Number(v.toFixed(9))), [1.2, 2.2, 3.2, 4.2, 5.2]);
    assert.equal(m.input.y.title, 'jet_pt (GeV)');
    assert.deepEqual(m.input.origin, [3.2, 80]);
    assert.deepEqual(m.point(0.25, -0.5).map((v) => Number(v.toFixed(9))), [4.2, 65]);
    const plain = landscapeMapInput([ax, ay], z, 'sigma');
    assert.deepEqual(plain.input.x.values, ax.offsets);
    assert.equal(plain.input.x.title, 'trackSip2dSig_0 offset (σ)');
    // The heatmap marks the jet and starts the arrow there.
    const option = heatmapChart({ ...m.input, zTitle: 'loss', label: { preset: 'plain' }, arrow: { x: 4.2, y: 65, label: 'FGSM' } }) as { series: Array<{ type: string; symbol?: unknown; data: unknown[] }> };
    const arrow = option.series.find((s) => s.type === 'lines' && Array.isArray(s.symbol))!;
    assert.deepEqual((arrow.data[0] as { coords: number[][] }).coords, [[3.2, 80], [4.2, 65]]);
  });

  it('thins a 501 x 501 grid for the screen, keeping the centre point and the ends of the scan', () => {
    assert.equal(thinningStride(501, 501, 40_000), 5, '3 would do, 5 divides the half-grid of 250');
    assert.equal(thinningStride(500, 500, 40_000), 3, 'an even grid has no centre point to keep');
    assert.equal(thinningStride(41, 41, 40_000), 1);
    const ax = axis('a', 501, 0.005);
    const z = ax.offsets.map((_, i) => ax.offsets.map((__, j) => i * 1000 + j));
    const m = landscapeMapInput([ax, ax], z, 'sigma', { maxCells: 40_000 });
    assert.equal(m.stride, 5);
    assert.equal(m.input.x.values.length, 101);
    assert.ok(m.input.x.values.length * m.input.y.values.length <= 40_000);
    assert.ok(m.input.x.values.includes(0), 'the jet itself stays on the map');
    assert.equal(m.input.x.values[0], -0.005);
    assert.equal(m.input.x.values[100], 0.005);
    const k = m.input.x.values.indexOf(0);
    assert.equal(m.input.z[k][k], 250 * 1000 + 250, 'values taken from the full grid at the same points');
    assert.equal(landscapeMapInput([ax, ax], z, 'sigma').input.z, z, 'no limit: the whole grid');
  });
});
