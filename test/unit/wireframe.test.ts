import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks } from '../../shared/charts/ranges.ts';
import { wireframeChart } from '../../shared/charts/wireframe.ts';

describe('3D wireframe for print', () => {
  const v = Array.from({ length: 21 }, (_, i) => -0.1 + i * 0.01);
  const z = v.map((x) => v.map((y) => 1 + 10 * x * x + y));
  const opt = wireframeChart({ x: { title: 'fgsm direction', values: v }, y: { title: 'random direction', values: v }, z, zTitle: 'loss', label: { preset: 'plain' } });
  const series = opt.series as Array<{ type: string; data: Array<{ name?: string; coords?: number[][] }> }>;
  const labels = series.find((s) => s.type === 'scatter')!.data.map((d) => d.name);

  it('draws axis titles and tick labels for x, y and z', () => {
    for (const t of ['fgsm direction', 'random direction', 'loss']) assert.ok(labels.includes(t), `${t} in ${labels}`);
    // x and y ticks at -0.1, -0.05, 0, 0.05, 0.1 (twice: both axes); z from min 0.9 to max 1.2.
    assert.equal(labels.filter((l) => l === '0.05').length, 2);
    assert.equal(labels.filter((l) => l === '-0.1').length, 2);
    const zLabels = niceTicks(0.9, 1.2, 4).map(String);
    for (const t of zLabels) assert.ok(labels.includes(t), `z tick ${t}`);
  });

  it('has the box edges and a colour bar with the same z ticks', () => {
    const axisLines = series.filter((s) => s.type === 'lines')[1].data;
    assert.ok(axisLines.length >= 5 + 5 + 5, `${axisLines.length} axis segments`);
    const graphic = opt.graphic as Array<{ type: string; style?: { fill?: { type?: string }; text?: string } }>;
    assert.ok(graphic.some((g) => g.type === 'rect' && g.style?.fill?.type === 'linear'), 'gradient colour bar');
    const barTexts = graphic.filter((g) => g.type === 'text').map((g) => g.style!.text);
    for (const t of niceTicks(0.9, 1.2, 4).map(String)) assert.ok(barTexts.includes(t), `colour bar tick ${t}`);
  });

  it('niceTicks gives 1-2-5 steps inside the range', () => {
    assert.deepEqual(niceTicks(-0.1, 0.1, 4), [-0.1, -0.05, 0, 0.05, 0.1]);
    assert.deepEqual(niceTicks(0.87, 0.99, 4), [0.9, 0.95]);
    assert.deepEqual(niceTicks(3, 3), [3]);
  });
});
