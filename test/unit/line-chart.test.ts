import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineChart, meanBandSeries } from '../../shared/charts/lines.ts';
import { dataAxisRange } from '../../shared/charts/ranges.ts';

type Axis = { min: number; max: number; minInterval?: number; minorTick: { show: boolean } };

describe('line chart axes', () => {
  const series = [{ label: 'loss', points: [[1, 2.5], [2, 1.2], [3, 1.1]] as Array<[number, number]> }];

  it('a count axis (epochs) ticks on whole numbers over a whole-number range', () => {
    const x = (lineChart({ series, x: { title: 'epoch', min: 0, integer: true }, y: { title: 'loss' }, label: { preset: 'plain' } }).xAxis as Axis[])[0];
    assert.equal(x.minInterval, 1);
    assert.equal(x.minorTick.show, false);
    assert.ok(Number.isInteger(x.min) && Number.isInteger(x.max) && x.max >= 3, `range ${x.min}..${x.max}`);
  });

  it('a measured axis keeps fractional ticks and minor ticks', () => {
    const x = (lineChart({ series, x: { title: 'ε' }, y: { title: 'loss' }, label: { preset: 'plain' } }).xAxis as Axis[])[0];
    assert.equal(x.minInterval, undefined);
    assert.equal(x.minorTick.show, true);
  });
});

describe('line chart bands and ranges', () => {
  it('a band is two stacked series (lo, then hi - lo with an area) that stay out of the legend', () => {
    const opt = lineChart({
      series: [meanBandSeries('nominal', [{ x: 0, mean: 0.9, sd: 0.01 }, { x: 0.1, mean: 0.8, sd: 0.02 }, { x: 0.2, mean: 0.7, sd: null }], { color: '#123456' })],
      x: { title: 'ε' }, y: { title: 'AUC' }, label: { preset: 'plain' },
    });
    const series = opt.series as Array<{ name: string; stack?: string; data: number[][]; areaStyle?: { color?: string } }>;
    assert.equal(series.length, 3);
    const [low, band] = series.filter((s) => s.stack);
    assert.equal(low.stack, band.stack);
    assert.deepEqual(low.data.map((p) => p[1].toFixed(3)), ['0.890', '0.780']);
    assert.deepEqual(band.data.map((p) => p[1].toFixed(3)), ['0.020', '0.040']);
    assert.equal(band.areaStyle!.color, '#123456');
    assert.deepEqual((opt.legend as { data: string[] }).data, ['nominal']);
    // The y range holds the band, not only the means.
    const y = (opt.yAxis as Axis[])[0];
    assert.ok(y.min <= 0.7 && y.max >= 0.92, `${y.min}..${y.max}`);
  });

  it('the x axis ends at the data: an eps scan stopping at 0.1 gets an axis stopping at 0.1', () => {
    const opt = lineChart({ series: [{ label: 'a', points: [[0, 0.9], [0.02, 0.85], [0.05, 0.8], [0.1, 0.7]] }], x: { title: 'ε', min: 0 }, y: { title: 'AUC' }, label: { preset: 'plain' } });
    const x = (opt.xAxis as Axis[])[0];
    assert.deepEqual([x.min, x.max], [0, 0.1]);
  });

  it('dataAxisRange widens only to the next tick and keeps fixed ends', () => {
    assert.deepEqual(dataAxisRange([0, 0.07]), [0, 0.08]);
    assert.deepEqual(dataAxisRange([1, 40]), [0, 40]);
    assert.deepEqual(dataAxisRange([0.2, 0.7], 0, 1), [0, 1]);
    assert.deepEqual(dataAxisRange([]), [0, 1]);
  });
});
