/**
 * The 3D landscape view is code-split: the renderer build puts echarts-gl in chunks that only a dynamic
 * import reaches, so neither the first load nor any page (the Landscape page in 2D included) carries it
 * until a 3D view opens.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { build } from 'vite';
import { ROOT, tmpDir } from '../helpers.ts';

interface ManifestChunk { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[] }

// Strings that exist only in echarts-gl's code: its surface series type, its 3D coordinate system and its shaders.
const GL_MARKERS = ['series.surface', 'cartesian3D', 'ecgl.common.wireframe'];

describe('the renderer bundle', () => {
  const outDir = tmpDir('tagscape-bundle-');
  let manifest: Record<string, ManifestChunk> = {};
  const code = (c: ManifestChunk) => fs.readFileSync(path.join(outDir, c.file), 'utf8');

  before(async () => {
    await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), build: { outDir, emptyOutDir: true, manifest: true }, logLevel: 'error' });
    manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  });

  it('loads echarts-gl only through a dynamic import, in chunks of its own', () => {
    const entries = Object.values(manifest).filter((c) => c.isEntry);
    assert.equal(entries.length, 1, 'one page entry');
    // Everything the first load pulls in: the entry and its static imports, transitively.
    const reached = (start: string) => {
      const seen = new Set<string>();
      const visit = (key: string) => {
        if (seen.has(key)) return;
        seen.add(key);
        for (const k of manifest[key].imports ?? []) visit(k);
      };
      visit(start);
      return seen;
    };
    // The entry and every page chunk with what they import statically: all that loads without a 3D view.
    const starts = Object.keys(manifest).filter((k) => manifest[k].isEntry || (manifest[k].isDynamicEntry && !k.includes('echarts-gl')));
    const initial = new Set(starts.flatMap((k) => [...reached(k)]));
    for (const key of initial) {
      for (const marker of GL_MARKERS) assert.ok(!code(manifest[key]).includes(marker), `${manifest[key].file} (loaded without a 3D view) holds echarts-gl code (${marker})`);
    }
    const gl = Object.entries(manifest).filter(([k, c]) => k.includes('echarts-gl') && c.isDynamicEntry);
    assert.ok(gl.length > 0, `a dynamic chunk for echarts-gl; chunks: ${Object.keys(manifest).join(', ')}`);
    for (const [key, c] of gl) assert.ok(!initial.has(key), `${c.file} is loaded without a 3D view`);
    // The 3D chunks and what they import beyond the first load.
    const glOnly = new Set(gl.flatMap(([key]) => [...reached(key)].filter((k) => !initial.has(k))));
    const glCode = [...glOnly].map((k) => code(manifest[k])).join('\n');
    for (const marker of GL_MARKERS) assert.ok(glCode.includes(marker), `the echarts-gl chunks hold ${marker}`);
  });
});
