// The engine's V8 flags (main/engine/node-flags.ts) reach every way a user starts an engine process:
// the installed `tagscape` command (its shebang), `npm start`, scan tasks and job processes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINE_NODE_FLAGS } from '../../main/engine/node-flags.ts';
import { defaultCommand } from '../../main/engine/scan/command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('engine process flags', () => {
  it('are the shebang of both bin scripts and part of npm start', () => {
    for (const bin of ['tagscape.js', 'start.js']) {
      const first = fs.readFileSync(path.join(ROOT, 'bin', bin), 'utf8').split('\n')[0];
      assert.equal(first, `#!/usr/bin/env -S node ${ENGINE_NODE_FLAGS.join(' ')}`, bin);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.start, `node ${ENGINE_NODE_FLAGS.join(' ')} bin/start.js`);
  });

  it('are active in the command started through its shebang', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-flags-'));
    try {
      const probe = path.join(dir, 'probe.mjs');
      const out = path.join(dir, 'argv.json');
      fs.writeFileSync(probe, `import fs from 'node:fs'; fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.execArgv));\n`);
      const r = spawnSync(path.join(ROOT, 'bin', 'tagscape.js'), ['--version'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import=${probe}` } });
      assert.equal(r.status, 0, r.stderr);
      const execArgv = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
      for (const flag of ENGINE_NODE_FLAGS) assert.ok(execArgv.includes(flag), `${flag} in ${execArgv.join(' ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are in the default command of scan tasks', () => {
    assert.deepEqual(defaultCommand(), [process.execPath, ...ENGINE_NODE_FLAGS, path.join(ROOT, 'bin', 'tagscape.js')]);
  });
});
