import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SURFACE3D_TEXT, surface3dChart } from '../../shared/charts/surface3d.ts';

describe('the 3D surface\'s text', () => {
  const option = surface3dChart({ x: { title: 'fgsm direction', values: [-1, 0, 1] }, y: { title: 'random direction', values: [-1, 0, 1] }, z: [[1, 2, 3], [2, 3, 4], [3, 4, 5]], zTitle: 'loss' }) as Record<string, Record<string, Record<string, unknown>>>;

  it('sets axis names and tick labels at the window\'s text size, where echarts-gl reads them', () => {
    assert.ok(SURFACE3D_TEXT.axisName >= 16 && SURFACE3D_TEXT.tick >= 14, 'normal text size (16 px body text)');
    for (const axis of ['xAxis3D', 'yAxis3D', 'zAxis3D']) {
      // echarts-gl takes the tick labels' font from axisLabel itself; a nested textStyle is ignored.
      assert.equal(option[axis].axisLabel.fontSize, SURFACE3D_TEXT.tick, axis);
      assert.equal(option[axis].nameTextStyle.fontSize, SURFACE3D_TEXT.axisName, axis);
      // Room around the glyphs: without it the label sprites clip them (zrender 6 text boxes in echarts-gl's atlas).
      assert.ok(Number(option[axis].axisLabel.lineHeight) > SURFACE3D_TEXT.tick && option[axis].axisLabel.padding, axis);
    }
  });
});
