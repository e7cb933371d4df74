/**
 * A scan through a real SLURM (single node on localhost, started here): sbatch --array, one task
 * cancelled before it ran, status from squeue and the workspace, resubmit of only that task, and collect
 * equal number for number to the same scan run by the local executor.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tmpDir } from '../helpers.ts';
import { tagscape, tagscapeJson } from '../cli/run-cli.ts';
import { slurmUnavailable, startSlurm, type SlurmCluster } from './slurm-cluster.ts';
import { ENGINE_NODE_FLAGS } from '../../main/engine/node-flags.ts';

const why = slurmUnavailable();
let cluster: SlurmCluster | undefined;
let startError: string | undefined;

before(async () => {
  if (why) return;
  try {
    cluster = await startSlurm();
    // The CLI runs as a child of this process and finds the test cluster through SLURM_CONF.
    process.env.SLURM_CONF = cluster.env.SLURM_CONF;
  } catch (err) {
    startError = (err as Error).message;
  }
});
after(async () => {
  await cluster?.stop();
});

const GRID = ['--data', 'synthetic:2000', '--modes', 'nominal,fgsm', '--eps', '0.02', '--seeds', '1,2', '--epochs', '1', '--batch', '256',
  '--attacks', 'fgsm,noise', '--attack-eps', '0,0.02,0.05', '--curvature-jets', '40'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitIdle(ws: string, name: string): Promise<Record<string, any>> {
  for (let i = 0; i < 600; i++) {
    const st = tagscapeJson('scan', 'status', '--workspace', ws, '--name', name, '--json');
    if (st.counts.queued === 0 && st.counts.running === 0) return st;
    await sleep(1000);
  }
  throw new Error('the scan did not finish within 10 minutes');
}

test('a scan runs as a SLURM job array; a cancelled task is resubmitted alone; collect equals the local run', { skip: why ?? false, timeout: 900_000 }, async (t) => {
  if (startError) return t.skip(`the local SLURM could not start: ${startError}`);
  const ws = tmpDir('tagscape-scan-slurm-');
  tagscapeJson('scan', 'create', '--workspace', ws, '--name', 'grid', ...GRID, '--json');
  const sub = tagscapeJson('scan', 'submit', '--workspace', ws, '--name', 'grid', '--executor', 'slurm', '--cpus', '1', '--memory', '900M', '--time', '20', '--json');
  assert.deepEqual(sub.submitted, [0, 1, 2, 3]);
  assert.match(sub.job_id, /^\d+$/);
  // 2 CPUs, 1 per task: tasks 2 and 3 wait. Task 3 is cancelled before it can start.
  const cancel = spawnSync('scancel', [`${sub.job_id}_3`], { env: process.env, encoding: 'utf8' });
  assert.equal(cancel.status, 0, cancel.stderr);
  const script = fs.readFileSync(sub.files[0], 'utf8');
  assert.match(script, /^#SBATCH --array=0-3$/m);
  assert.match(script, /^#SBATCH --cpus-per-task=1$/m);
  assert.match(script, /^#SBATCH --mem=900M$/m);
  assert.match(script, /^#SBATCH --time=20$/m);
  const esc = (t: string) => t.replace(/[/.]/g, '\\$&');
  assert.match(script, new RegExp(`^exec ${esc([process.execPath, ...ENGINE_NODE_FLAGS].join(' '))} /\\S+/bin/tagscape\\.js scan task`, 'm'));

  const first = await waitIdle(ws, 'grid');
  assert.deepEqual(first.unreachable, []);
  assert.deepEqual(first.tasks.map((x: any) => x.state), ['complete', 'complete', 'complete', 'missing']);
  assert.equal(fs.existsSync(path.join(ws, 'scans', 'grid', 'state', '3.json')), false, 'the cancelled task never started');

  const again = tagscapeJson('scan', 'resubmit', '--workspace', ws, '--name', 'grid', '--json');
  assert.deepEqual(again.submitted, [3]);
  assert.notEqual(again.job_id, sub.job_id);
  assert.match(fs.readFileSync(again.files[0], 'utf8'), /^#SBATCH --array=3$/m);
  // The resubmission keeps the first one's resources.
  assert.match(fs.readFileSync(again.files[0], 'utf8'), /^#SBATCH --mem=900M$/m);
  const done = await waitIdle(ws, 'grid');
  assert.deepEqual(done.tasks.map((x: any) => x.state), ['complete', 'complete', 'complete', 'complete']);
  // Idempotent: nothing left to send, and the task ids recorded are SLURM's.
  assert.deepEqual(tagscapeJson('scan', 'resubmit', '--workspace', ws, '--name', 'grid', '--json').submitted, []);
  assert.deepEqual(tagscapeJson('scan', 'submit', '--workspace', ws, '--name', 'grid', '--executor', 'slurm', '--json').submitted, []);
  const state3 = JSON.parse(fs.readFileSync(path.join(ws, 'scans', 'grid', 'state', '3.json'), 'utf8'));
  assert.equal(state3.scheduler_id, `${again.job_id}_3`);
  assert.equal(state3.attempt, 1);
  const slurmSummary = tagscapeJson('scan', 'collect', '--workspace', ws, '--name', 'grid', '--format', 'svg', '--json');

  const local = tmpDir('tagscape-scan-local-');
  const run = tagscape('scan', 'run', '--workspace', local, '--name', 'grid', ...GRID, '--executor', 'local', '--json');
  assert.equal(run.code, 0, run.stderr);
  const localSummary = tagscapeJson('scan', 'collect', '--workspace', local, '--name', 'grid', '--format', 'svg', '--json');
  const { files: _a, ...fromSlurm } = slurmSummary;
  const { files: _b, ...fromLocal } = localSummary;
  assert.equal(fromSlurm.complete, 4);
  assert.equal(fromSlurm.groups.length, 2);
  assert.ok(fromSlurm.robustness.length === 2 * 2 * 3 && fromSlurm.robustness.every((r: any) => r.auc.BvL.n === 2 && r.auc.BvL.sd !== null));
  // Number for number: training, attacks and curvature are deterministic given the seed.
  assert.deepStrictEqual(fromSlurm, fromLocal);
  // The summary's means are those of the task results.
  const results = [0, 1].map((i) => JSON.parse(fs.readFileSync(path.join(ws, 'scans', 'grid', 'results', `${i}.json`), 'utf8')));
  const nominal = fromSlurm.groups.find((g: any) => g.group === 'nominal');
  assert.equal(nominal.test_auc.BvL.mean, (results[0].test_auc.BvL + results[1].test_auc.BvL) / 2);
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(local, { recursive: true, force: true });
});
