/**
 * `npm start` (bin/start.js) when an Electron binary is present: it brings out/ up to date and launches
 * Electron on the app folder, whose package.json "main" is the built main bundle. A stand-in executable
 * (ELECTRON_OVERRIDE_DIST_PATH, honoured as by the electron package) records how it was started; no
 * real Electron can be installed here. Downloading the binary, and the fallback to the loopback UI when
 * that fails, are tested in install.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ENGINE_NODE_FLAGS } from '../../main/engine/node-flags.ts';
import { ROOT, tmpDir } from '../helpers.ts';

describe('npm start with an Electron binary', { skip: process.platform === 'win32' ? 'the stand-in Electron is a shell script' : false }, () => {
  const dist = tmpDir('tagscape-electron-');
  after(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('builds out/ when stale and launches Electron on the built main bundle', () => {
    const record = path.join(dist, 'launch.json');
    const fake = path.join(dist, 'electron');
    fs.writeFileSync(fake, `#!/bin/sh\nexec "${process.execPath}" -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ args: process.argv.slice(2), runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null }))' "${record}" "$@"\n`);
    fs.chmodSync(fake, 0o755);

    // Sources as they were before the launch (others may edit them meanwhile).
    const sources = ['main', 'shared', 'renderer/src'].flatMap((d) => fs.readdirSync(path.join(ROOT, d), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)));
    const newestBefore = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
    const env = { ...process.env, DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '1', TAGSCAPE_WORKSPACE: path.join(dist, 'ws') };
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'start.js'), '--some-flag'], { cwd: ROOT, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Electron binary is missing/);

    const launch = JSON.parse(fs.readFileSync(record, 'utf8')) as { args: string[]; runAsNode: string | null };
    assert.deepEqual(launch.args, [`--js-flags=${ENGINE_NODE_FLAGS.join(' ')}`, ROOT, '--some-flag'], 'the engine\'s V8 flags, the app folder, the arguments');
    assert.equal(launch.runAsNode, null, 'ELECTRON_RUN_AS_NODE would start Electron without a window');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    const main = path.join(ROOT, pkg.main);
    assert.ok(fs.existsSync(main), `${pkg.main} was built`);
    for (const f of ['out/main/job-entry.js', 'out/preload/index.cjs', 'out/renderer/index.html']) assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} was built`);
    assert.ok(fs.statSync(main).mtimeMs > newestBefore, 'the main bundle Electron was started on is newer than every source');
  });
});
