import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rocChart, type RocChartInput, type RocCurveData } from '../../shared/charts/roc.ts';

interface Series { name?: string; type: string; xAxisIndex: number; data: Array<[number, number]>; lineStyle?: { type: string; color?: string }; itemStyle?: { color: string }; endLabel?: { formatter: string } }

// A toy ROC: mistag = eff^4, so at eff 0.5 the mistag is 1/16.
const eff = Array.from({ length: 101 }, (_, i) => i / 100);
const curveA: RocCurveData = { label: 'nominal', eff, mistag: eff.map((e) => e ** 4), workingPoints: [{ mistag: 0.1, eff: 0.1 ** 0.25 }, { mistag: 0.01, eff: 0.01 ** 0.25 }] };
// Twice A's mistag at every efficiency (half its rejection).
const curveB: RocCurveData = { label: 'attacked', eff, mistag: eff.map((e) => Math.min(1, 2 * e ** 4)), dashed: true, color: '#123456' };

function build(extra: Partial<RocChartInput>): { series: Series[]; yAxis: Array<{ type: string; min: number; max: number }> } {
  const option = rocChart({ discriminant: 'BvL', signal: ['b', 'bb'], background: ['udsg'], curves: [curveA, curveB], label: { preset: 'cms' }, ...extra });
  return option as unknown as { series: Series[]; yAxis: Array<{ type: string; min: number; max: number }> };
}

const mainLines = (s: Series[]) => s.filter((x) => x.xAxisIndex === 0 && x.type === 'line' && x.name);
const guides = (s: Series[]) => s.filter((x) => x.endLabel);

describe('ROC chart views', () => {
  it('draws mistag rate on a log axis by default for CMS, rejection for ATLAS, and follows an explicit view', () => {
    assert.deepEqual([build({}).yAxis[0].min, build({}).yAxis[0].max], [1e-4, 1]);
    const atlas = build({ label: { preset: 'atlas' } });
    assert.deepEqual([atlas.yAxis[0].type, atlas.yAxis[0].min, atlas.yAxis[0].max], ['log', 1, 1e4]);
    const cmsRejection = build({ view: 'rejection' });
    assert.deepEqual([cmsRejection.yAxis[0].min, cmsRejection.yAxis[0].max], [1, 1e4]);
    const atlasMistag = build({ label: { preset: 'atlas' }, view: 'mistag' });
    assert.deepEqual([atlasMistag.yAxis[0].min, atlasMistag.yAxis[0].max], [1e-4, 1]);
  });

  it('plots 1/mistag in the rejection view at the same efficiencies as the mistag view', () => {
    const m = mainLines(build({ view: 'mistag' }).series)[0].data;
    const r = mainLines(build({ view: 'rejection' }).series)[0].data;
    assert.equal(m.length, r.length);
    for (let i = 0; i < m.length; i++) {
      assert.equal(r[i][0], m[i][0]);
      assert.ok(Math.abs(r[i][1] * m[i][1] - 1) < 1e-12, `rejection x mistag = 1 at eff ${m[i][0]}`);
    }
    // Only efficiencies from 0.3 and values inside the axis are drawn.
    assert.ok(r.every(([e, y]) => e >= 0.3 && y >= 1 && y <= 1e4));
  });

  it('marks the loose, medium and tight working points as guides in both views', () => {
    const m = guides(build({ view: 'mistag' }).series);
    assert.deepEqual(m.map((g) => g.data[0][1]), [0.1, 0.01, 0.001]);
    assert.deepEqual(m.map((g) => g.endLabel!.formatter), ['L 10%', 'M 1%', 'T 0.1%']);
    const r = guides(build({ view: 'rejection' }).series);
    assert.deepEqual(r.map((g) => Math.round(g.data[0][1])), [10, 100, 1000]);
  });

  it('draws each curve\'s own working points on it, in its colour', () => {
    for (const view of ['mistag', 'rejection'] as const) {
      const pts = build({ view }).series.filter((s) => s.type === 'scatter');
      assert.equal(pts.length, 1, 'only curve A has working points');
      const y = (m: number) => (view === 'rejection' ? 1 / m : m);
      assert.deepEqual(pts[0].data, [[0.1 ** 0.25, y(0.1)], [0.01 ** 0.25, y(0.01)]]);
      assert.equal(pts[0].name, 'nominal', 'shares the legend entry');
    }
  });

  it('draws an attacked curve dashed in the colour it is given', () => {
    const [a, b] = mainLines(build({}).series);
    assert.equal(a.lineStyle!.type, 'solid');
    assert.equal(b.lineStyle!.type, 'dashed');
    assert.equal(b.lineStyle!.color, '#123456');
    assert.equal(b.itemStyle!.color, '#123456');
  });

  it('shows the ratio of what the main panel shows: mistag ratio 2, rejection ratio 1/2', () => {
    for (const [view, expected] of [['mistag', 2], ['rejection', 0.5]] as const) {
      const ratio = build({ view, ratioTo: 0 }).series.filter((s) => s.xAxisIndex === 2 && s.name === 'attacked')[0];
      // Away from eff -> 1, where B's mistag is capped at 1.
      const inside = ratio.data.filter(([e]) => e < 0.8);
      assert.ok(inside.length > 50);
      for (const [e, r] of inside) assert.ok(Math.abs(r - expected) < 1e-9, `ratio ${r} at eff ${e}`);
    }
  });
});
