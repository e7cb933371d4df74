/**
 * The 3D view's eval-free stand-in for claygl's size expressions (renderer/src/components/gl-without-eval.ts):
 * every expression echarts-gl ships must parse and give what JavaScript itself computes from it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSizeExpression, replaceExpressions } from '../../renderer/src/components/gl-without-eval.ts';
import { ROOT } from '../helpers.ts';

const renderer = { getWidth: () => 801, getHeight: () => 603, getDevicePixelRatio: () => 2 };

describe('echarts-gl size expressions without eval', () => {
  for (const file of ['composite.js', 'compositeMobile.js']) {
    it(`every expression in echarts-gl's ${file} gives what JavaScript computes`, () => {
      const text = fs.readFileSync(path.join(ROOT, 'node_modules', 'echarts-gl', 'lib', 'effect', file), 'utf8');
      const exprs = [...text.matchAll(/'expr\((.*?)\)'/g)].map((m) => m[1]);
      assert.ok(exprs.length > 20, `${exprs.length} expressions found`);
      for (const e of exprs) {
        // The reference is the evaluation claygl itself would do (allowed here, in Node, not in the window).
        const reference = new Function('width', 'height', 'dpr', `return ${e}`) as (w: number, h: number, d: number) => unknown;
        for (const [w, h, d] of [[801, 603, 2], [640, 480, 1]]) assert.deepEqual(parseSizeExpression(e)(w, h, d), reference(w, h, d), e);
      }
    });
  }

  it('refuses anything but width, height, dpr, numbers, * and /', () => {
    assert.throws(() => parseSizeExpression('width + 1'), /Unexpected/);
    assert.throws(() => parseSizeExpression('alert(1)'), /Unexpected/);
    assert.throws(() => parseSizeExpression('width *'), /Unexpected/);
  });

  it('rewrites a graph in place the way claygl calls it: texture sizes with the renderer, node parameters with the node', () => {
    const graph = {
      nodes: [{
        parameters: { textureSize: 'expr([width * dpr / 4, height / 2])', kept: 1 },
        outputs: { color: { parameters: { width: 'expr(width * 1.0 / 2)', height: 'expr(height)', scale: 2, type: 'HALF_FLOAT' } } },
      }],
    };
    replaceExpressions(graph);
    const out = graph.nodes[0].outputs.color.parameters as unknown as { width: (r: typeof renderer) => number; height: (r: typeof renderer) => number; type: string };
    assert.equal(out.width(renderer), 801, 'scaled by 2, then halved');
    assert.equal(out.height(renderer), 1206);
    assert.equal(out.type, 'HALF_FLOAT');
    const set: Record<string, unknown> = {};
    (graph.nodes[0].parameters.textureSize as unknown as (this: object, r: typeof renderer) => void).call({ setParameter: (k: string, v: unknown) => (set[k] = v) }, renderer);
    assert.deepEqual(set, { textureSize: [400.5, 301.5] });
    assert.equal(graph.nodes[0].parameters.kept, 1);
  });

  it('says so when an expression sits where it cannot be replaced', () => {
    assert.throws(() => replaceExpressions({ nodes: [{ outputs: { color: { parameters: { depth: 'expr(width)' } } } }] }), /cannot evaluate/);
  });
});
