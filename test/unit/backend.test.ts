import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tmpDir } from '../helpers.ts';

function train(env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const ws = tmpDir();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tagscape.js'), 'train', '--data', 'synthetic:300', '--epochs', '1', '--workspace', ws, '--name', 'b', '--hidden', '8', '--json'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('backend selection', () => {
  it('TAGSCAPE_BACKEND=cpu forces the cpu backend, prints it and records it in the run', () => {
    const r = train({ TAGSCAPE_BACKEND: 'cpu' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).backend, 'cpu');
    assert.match(r.stderr, /^backend: cpu/m);
  });

  it('an unknown TAGSCAPE_BACKEND is refused in one sentence', () => {
    const r = train({ TAGSCAPE_BACKEND: 'cuda' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TAGSCAPE_BACKEND must be one of tensorflow, wasm, cpu, not "cuda"/);
  });

  it('a forced backend that cannot load fails loudly instead of silently falling back', async () => {
    let hasNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      hasNode = false;
    }
    const r = train({ TAGSCAPE_BACKEND: 'tensorflow' });
    if (hasNode) {
      assert.equal(JSON.parse(r.stdout).backend, 'tensorflow');
    } else {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No tensor backend could be loaded \(tensorflow: @tensorflow\/tfjs-node is not installed\)/);
    }
  });
});
