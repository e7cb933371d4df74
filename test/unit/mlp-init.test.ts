import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Mlp } from '../../main/engine/model/mlp.ts';
import { backend } from '../helpers.ts';

describe('Mlp initialisation (PyTorch\'s nn.Linear default)', () => {
  before(backend);
  const config = { inputs: 67, outputs: 4, hidden: [100, 100, 100, 100, 100], dropout: 0.1 };

  it('draws weights and biases of every layer from U(±1/√fan_in), filling the interval', () => {
    const m = new Mlp(config, 7);
    const values = m.getWeights();
    const fanIns = [67, 100, 100, 100, 100, 100];
    fanIns.forEach((fanIn, l) => {
      const bound = 1 / Math.sqrt(fanIn);
      for (const [what, a] of [['weights', values[2 * l]], ['biases', values[2 * l + 1]]] as const) {
        const lo = Math.min(...a);
        const hi = Math.max(...a);
        assert.ok(lo >= -bound && hi <= bound, `layer ${l} ${what} inside ±${bound}: [${lo}, ${hi}]`);
        if (what === 'weights') {
          // Thousands of draws: the extremes come close to the bounds, mean 0 and variance bound²/3 (uniform).
          assert.ok(hi > 0.99 * bound && lo < -0.99 * bound, `layer ${l} weights span the interval`);
          const mean = a.reduce((s, v) => s + v, 0) / a.length;
          const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
          assert.ok(Math.abs(mean) < 0.05 * bound, `layer ${l} mean ${mean}`);
          assert.ok(Math.abs(variance / (bound * bound / 3) - 1) < 0.1, `layer ${l} variance ${variance} vs ${bound * bound / 3}`);
        } else {
          assert.ok(a.some((v) => v !== 0), `layer ${l} biases are drawn, not zero`);
        }
      }
    });
    // Not the old He-uniform limit √(6/fan_in), which is √6 times wider.
    assert.ok(Math.max(...values[0].map(Math.abs)) <= 1 / Math.sqrt(67));
    m.dispose();
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = new Mlp(config, 3);
    const b = new Mlp(config, 3);
    const c = new Mlp(config, 4);
    const [wa, wb, wc] = [a.getWeights(), b.getWeights(), c.getWeights()];
    wa.forEach((x, i) => assert.deepEqual(x, wb[i], `array ${i} equal for the same seed`));
    assert.notDeepEqual(wa[0], wc[0]);
    assert.notDeepEqual(wa[1], wc[1]);
    [a, b, c].forEach((m) => m.dispose());
  });
});
