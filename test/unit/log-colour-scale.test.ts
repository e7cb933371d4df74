import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelText, logContourLevels } from '../../shared/charts/contours.ts';
import { heatmapChart, logColourRange } from '../../shared/charts/heatmap.ts';

type Option = { visualMap: { min: number; max: number; text: string[] }; series: Array<{ type: string; data: unknown[] }> };

/** Where a value lands on the option's colour scale, 0 (bottom) to 1 (top), as ECharts maps it: linearly in the cell's colour dimension. */
function scalePosition(option: Option, cellValue: number): number {
  const { min, max } = option.visualMap;
  return Math.min(1, Math.max(0, (cellValue - min) / (max - min)));
}

/** The 7-colour palette's bin a position falls in (ECharts interpolates between the stops; distinct bins are distinct colours). */
const bin = (p: number) => Math.round(p * 6);

describe('log colour scale of the loss maps', () => {
  // A focal loss with gamma = 25 around a well-classified jet: values from 1e-6 up to about 1.
  const xv = [-1, 0, 1];
  const yv = [-1, 0, 1];
  const z = [
    [1e-6, 3e-6, 1e-5],
    [1e-4, 1e-3, 1e-2],
    [0.05, 0.3, 1],
  ];

  it('gives small losses distinct colours, where a linear scale paints them all alike', () => {
    const log = heatmapChart({ x: { title: 'a', values: xv }, y: { title: 'b', values: yv }, z, zTitle: 'loss', label: { preset: 'plain' }, logScale: true }) as unknown as Option;
    const lin = heatmapChart({ x: { title: 'a', values: xv }, y: { title: 'b', values: yv }, z, zTitle: 'loss', label: { preset: 'plain' } }) as unknown as Option;
    const cells = (o: Option) => (o.series[0].data as Array<[number, number, number]>).map((c) => c[2]);
    const logPos = cells(log).map((v) => scalePosition(log, v));
    const linPos = cells(lin).map((v) => scalePosition(lin, v));
    // 1e-6, 1e-5, 1e-4 and 1e-3 lie one decade apart: a sixth of a 1e-6..1 scale each, one palette step.
    const small = [0, 2, 3, 4].map((k) => bin(logPos[k]));
    assert.deepEqual(small, [0, 1, 2, 3]);
    assert.equal(new Set(cells(log).map((v) => v.toFixed(6))).size, 9, 'every cell its own value');
    assert.ok(linPos.slice(0, 5).every((p) => bin(p) === 0), 'on a linear scale the five smallest share the bottom colour');
    assert.deepEqual([log.visualMap.min, log.visualMap.max], [-6, 0]);
    assert.deepEqual(log.visualMap.text, ['1', '1e-6']);
  });

  it('puts contour levels at round values evenly spaced in log z and labels them compactly', () => {
    assert.deepEqual(logContourLevels(1e-6, 1, 8), [1e-5, 1e-4, 1e-3, 1e-2, 0.1]);
    assert.deepEqual(logContourLevels(0.01, 1, 8), [0.02, 0.05, 0.1, 0.2, 0.5], "1-2-5 within two decades");
    assert.deepEqual(logContourLevels(1e-12, 1, 5), [1e-10, 1e-8, 1e-6, 1e-4, 1e-2], 'every second decade over twelve');
    assert.deepEqual(logContourLevels(0, 1, 8), [], 'no log scale through 0');
    assert.deepEqual([1e-6, 2.5e-5, 0.25, 3, 12345].map(levelText), ['1e-6', '2.5e-5', '0.25', '3', '1.23e+4']);
    const option = heatmapChart({ x: { title: 'a', values: xv }, y: { title: 'b', values: yv }, z, zTitle: 'loss', label: { preset: 'plain' }, logScale: true }) as unknown as { series: Array<{ type: string; data: Array<{ label?: { formatter: string } }> }> };
    const labels = option.series.find((s) => s.type === 'scatter' && s.data.some((d) => d.label))!.data.map((d) => d.label!.formatter);
    assert.ok(labels.includes('1e-5') && labels.includes('0.1'), `labels ${labels}`);
  });

  it('takes its range from positive values only, and ignores the log scale on signed difference maps', () => {
    assert.deepEqual(logColourRange([[0, 1e-7], [2e-3, -1]]), [1e-7, 2e-3]);
    assert.deepEqual(logColourRange([[0, 0]]), [1e-12, 1], 'nothing positive: a harmless default');
    assert.deepEqual(logColourRange([[1e-7, 1]], [0, 0.5]), [1e-7, 0.5], 'a shared range is used where it is positive');
    const diff = heatmapChart({ x: { title: 'a', values: xv }, y: { title: 'b', values: yv }, z: z.map((r) => r.map((v) => v - 0.1)), zTitle: 'Δ loss', label: { preset: 'plain' }, diverging: true, logScale: true }) as unknown as Option;
    assert.ok(diff.visualMap.min < 0 && diff.visualMap.max === -diff.visualMap.min, 'symmetric linear scale');
  });
});

describe('log colour scale on a narrow map', () => {
  it('falls back to round linear contour levels when the map spans too little of a decade for log levels', () => {
    const v = [-1, 0, 1];
    const z = v.map((a) => v.map((b) => 1.83e-4 + 1e-7 * (a + b + 2)));
    const option = heatmapChart({ x: { title: 'a', values: v }, y: { title: 'b', values: v }, z, zTitle: 'loss', label: { preset: 'plain' }, logScale: true }) as unknown as { series: Array<{ type: string; data: Array<{ label?: { formatter: string } }> }> };
    const labels = option.series.find((s) => s.type === 'scatter' && s.data.some((d) => d.label))?.data.map((d) => Number(d.label!.formatter)) ?? [];
    assert.ok(labels.length >= 2, `contours drawn: ${labels}`);
    assert.ok(labels.every((l) => l > 1.83e-4 && l < 1.834e-4), `levels inside the map's range: ${labels}`);
  });
});
