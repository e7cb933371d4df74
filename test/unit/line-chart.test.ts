import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineChart } from '../../shared/charts/lines.ts';

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
