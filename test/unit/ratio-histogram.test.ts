import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binRatios, inputShiftChart, ratioHistogramChart } from '../../shared/charts/ratio-histogram.ts';
import { tickAlignedRange } from '../../shared/charts/ranges.ts';

interface Series { name?: string; xAxisIndex: number; yAxisIndex: number; data: Array<[number, number | '-']>; lineStyle?: { type?: unknown } }
interface Option { series: Series[]; grid: Array<{ top: number; bottom: number }>; xAxis: Array<{ min: number; max: number; gridIndex: number }>; graphic: Array<{ style?: { text?: string } }> }

const edges = [0, 1, 2, 3, 4];
const raw = [10, 20, 0, 10];
const attacked = [5, 30, 4, 1];

function chart(extra = {}): Option {
  return ratioHistogramChart({
    edges, reference: { label: 'raw', counts: raw }, compared: { label: 'attacked', counts: attacked },
    x: { title: 'x' }, label: { preset: 'cms' }, ...extra,
  }) as unknown as Option;
}

describe('histogram with a ratio panel', () => {
  it('has two stacked frames over the binned range, the lower one below the upper', () => {
    const o = chart();
    assert.deepEqual([o.xAxis[0].min, o.xAxis[0].max, o.xAxis[2].min, o.xAxis[2].max], [0, 4, 0, 4]);
    assert.equal(o.grid.length, 2);
    assert.ok(o.grid[1].top > 0 && o.grid[0].bottom > o.grid[1].bottom, 'upper frame ends above the lower one');
    assert.ok(o.graphic.some((g) => g.style?.text === 'CMS'), 'experiment label');
    assert.ok(o.graphic.some((g) => g.style?.text === 'attacked / raw'), 'ratio axis title');
  });

  it('draws both histograms as steps normalised to the reference total (or the given total)', () => {
    const upper = chart().series.filter((s) => s.xAxisIndex === 0);
    assert.deepEqual(upper.map((s) => s.name), ['raw', 'attacked']);
    // Steps: each bin contributes [lo, h] and [hi, h].
    assert.deepEqual(upper[0].data.slice(0, 4), [[0, 0.25], [1, 0.25], [1, 0.5], [2, 0.5]]);
    assert.deepEqual(upper[1].data.slice(0, 2), [[0, 5 / 40], [1, 5 / 40]]);
    const given = chart({ total: 80 }).series.filter((s) => s.xAxisIndex === 0);
    assert.deepEqual(given[0].data[0], [0, 10 / 80]);
  });

  it('shows compared / reference per bin with a break where the reference bin is empty, and a guide at 1', () => {
    const lower = chart().series.filter((s) => s.xAxisIndex === 2);
    const guide = lower.find((s) => !s.name)!;
    const o = chart();
    assert.deepEqual(guide.data, [[o.xAxis[2].min, 1], [o.xAxis[2].max, 1]]);
    const ratio = lower.find((s) => s.name === 'attacked')!;
    // bins: 5/10, 30/20, undefined (empty raw bin), 1/10
    assert.deepEqual(ratio.data, [[0, 0.5], [1, 0.5], [1, 1.5], [2, 1.5], [2, '-'], [3, 0.1], [4, 0.1]]);
  });

  it('clips ratios to the panel range instead of losing them', () => {
    const ratio = chart({ ratio: { min: 0.8, max: 1.2 } }).series.find((s) => s.xAxisIndex === 2 && s.name)!;
    assert.deepEqual(ratio.data.filter(([, v]) => v !== '-').map(([, v]) => v), [0.8, 0.8, 1.2, 1.2, 0.8, 0.8]);
  });

  it('rounds axis ends to the 1-2-5 step of about five ticks', () => {
    assert.deepEqual(tickAlignedRange(-2.49, 2.49), { min: -3, max: 3 });
    assert.deepEqual(tickAlignedRange(-0.0698, 0), { min: -0.08, max: 0 });
    assert.deepEqual(tickAlignedRange(0.873, 0.9656), { min: 0.86, max: 0.98 });
    assert.deepEqual(tickAlignedRange(0, 4), { min: 0, max: 4 });
    assert.deepEqual(tickAlignedRange(1, 1), { min: 0.5, max: 1.5 });
  });

  it('computes bin ratios and refuses mismatched binnings', () => {
    assert.deepEqual(binRatios([1, 2, 3], [2, 0, 3]), [0.5, null, 1]);
    assert.throws(() => binRatios([1], [1, 2]), /differ in length/);
    assert.throws(() => ratioHistogramChart({ edges: [0, 1], reference: { label: 'a', counts: [1, 2] }, compared: { label: 'b', counts: [1, 2] }, x: { title: 'x' }, label: { preset: 'plain' } }), /needs 3 edges/);
  });

  it('draws an input shift as fractions of all non-default entries, flows included', () => {
    const o = inputShiftChart(
      { name: 'trackSip2dSig_0', unit: '', nominal: { edges, counts: raw, underflow: 5, overflow: 5 }, attacked: { edges, counts: attacked, underflow: 0, overflow: 20 }, kl: 0.1234, js: 0.0567 },
      'FGSM ε = 0.05', { preset: 'cms' },
    ) as unknown as Option;
    const upper = o.series.filter((s) => s.xAxisIndex === 0);
    assert.deepEqual(upper[0].data[0], [0, 10 / 50]);
    assert.equal(upper[1].name, 'FGSM ε = 0.05 (KL 0.123, JS 0.057)');
    assert.ok(o.graphic.some((g) => g.style?.text === 'trackSip2dSig_0'), 'x title');
    // 20 of the 50 attacked entries fall outside the binned range.
    assert.ok(o.graphic.some((g) => g.style?.text === '40.0% moved off range'), 'flows are reported');
  });
});
