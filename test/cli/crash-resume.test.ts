/**
 * Issue #5's command-line acceptance: a training run killed with kill -9 after two epochs is listed as not
 * complete (interrupted), and `train --resume --epochs 4` completes it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tmpDir } from '../helpers.ts';
import { BIN, jsonOf, tagscape, tagscapeJson } from './run-cli.ts';

// Big enough that an epoch takes far longer than one poll, so the kill lands after epoch 2 and well
// before epoch 4; small enough that the whole test takes seconds.
const DATA = 'synthetic:10000';

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null; // not written yet (writes are atomic renames, so never half-written)
  }
}

/** Start `train ... --epochs 40`, SIGKILL it once its status file records two finished epochs. */
function trainAndKillAfterTwoEpochs(ws: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'train', '--workspace', ws, '--name', 'crash', '--data', DATA, '--epochs', '40'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const status = path.join(ws, 'runs', 'crash', 'status.json');
    const poll = setInterval(() => {
      if ((readJson(status)?.epochs_done ?? 0) >= 2) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 25);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve(signal);
      else reject(new Error(`training ended by itself (code ${code}) before it could be killed:\n${stderr}`));
    });
  });
}

describe('kill -9 during training, then resume (CLI)', () => {
  it('a run killed after two epochs is reported interrupted, and --resume --epochs 4 completes it', async () => {
    const ws = path.join(tmpDir('tagscape-crash-'), 'ws');
    assert.equal(await trainAndKillAfterTwoEpochs(ws), 'SIGKILL');

    const killed = tagscapeJson('runs', '--workspace', ws, '--json').runs.find((r: { name: string }) => r.name === 'crash');
    assert.ok(killed, 'the killed run is listed');
    assert.notEqual(killed.status, 'complete');
    assert.equal(killed.status, 'interrupted');
    assert.ok(killed.epochs_done >= 2 && killed.epochs_done < 4, `killed after ${killed.epochs_done} epochs; the test needs 2 or 3`);

    const r = tagscape('train', '--workspace', ws, '--name', 'crash', '--resume', '--epochs', '4', '--json');
    const resumed = jsonOf(r);
    assert.equal(resumed.status, 'complete');
    assert.equal(resumed.epochs_done, 4);
    assert.match(r.stderr, new RegExp(`resuming "crash" at epoch ${killed.epochs_done}`));

    const listed = tagscapeJson('runs', '--workspace', ws, '--json').runs.find((r: { name: string }) => r.name === 'crash');
    assert.equal(listed.status, 'complete');
    assert.equal(listed.epochs_done, 4);
    // One history record per epoch: an epoch begun before the kill and redone after it is not counted twice.
    const history = readJson(path.join(ws, 'runs', 'crash', 'history.json')) as Array<{ epoch: number }>;
    assert.deepEqual(history.map((h) => h.epoch), [1, 2, 3, 4]);
  });
});
