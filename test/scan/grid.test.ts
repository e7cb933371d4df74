/** Scan definitions, grids, batch resources, SLURM scripts and task states, without running any task. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { expandGrid, taskTrainOptions } from '../../main/engine/scan/grid.ts';
import { memoryMB, readProfile, timeSeconds } from '../../main/engine/scan/profile.ts';
import { arraySpec, slurmScript } from '../../main/engine/scan/slurm.ts';
import { scanStatus } from '../../main/engine/scan/status.ts';
import { ScanStore } from '../../main/engine/scan/store.ts';
import { tasksToSend } from '../../main/engine/scan/submit.ts';
import { ScanDefinition } from '../../shared/scan-definition.ts';
import { tmpDir } from '../helpers.ts';

const DEF = {
  name: 'g', data: 'synthetic:1000', modes: ['nominal', 'fgsm', 'pgd', 'gradpenalty'], eps: [0.01, 0.05], penalty: [0.3], seeds: [1, 2, 3],
  train: { epochs: 4, pgdSteps: 5 }, vary: { learningRate: [1e-3, 1e-4] }, evaluate: { attacks: ['fgsm'], eps: [0, 0.01] },
};

test('the grid: modes with their eps or lambda × varied options × seeds, unique run names, train options per task', () => {
  const def = ScanDefinition.parse(DEF);
  const tasks = expandGrid(def);
  // nominal 1 + fgsm 2 + pgd 2 + gradpenalty 1 = 6 points, × 2 learning rates × 3 seeds.
  assert.equal(tasks.length, 6 * 2 * 3);
  assert.deepEqual(tasks.map((t) => t.index), tasks.map((_, i) => i));
  assert.equal(new Set(tasks.map((t) => t.run)).size, tasks.length);
  assert.equal(new Set(tasks.map((t) => t.group)).size, 12);
  assert.ok(tasks.every((t) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(t.run) && t.run.endsWith(`-s${t.seed}`)));
  const pgd = tasks.find((t) => t.mode === 'pgd' && t.eps === 0.05 && t.vary.learningRate === 1e-4 && t.seed === 2)!;
  assert.equal(pgd.group, 'pgd ε=0.05 learningRate=0.0001');
  assert.deepEqual(taskTrainOptions(def, pgd), {
    epochs: 4, batchSize: undefined, learningRate: 1e-4, patience: undefined, hidden: undefined, dropout: undefined, reweight: undefined, loss: undefined, focalGamma: undefined,
    seed: 2, adversarial: { attack: 'pgd', eps: 0.05, fraction: 1, warmupEpochs: 0, steps: 5, alpha: undefined },
  });
  const gp = tasks.find((t) => t.mode === 'gradpenalty')!;
  assert.equal(taskTrainOptions(def, gp).gradPenalty, 0.3);
  assert.equal(taskTrainOptions(def, gp).adversarial, undefined);
  assert.equal(taskTrainOptions(def, tasks[0]).adversarial, undefined);
  // Same definition, same tasks (indices are what the schedulers' array ids mean).
  assert.deepEqual(expandGrid(ScanDefinition.parse(DEF)), tasks);
});

test('definitions are validated at the boundary and a scan name keeps its definition', () => {
  assert.equal(ScanDefinition.safeParse({ ...DEF, modes: ['adversarial'] }).success, false);
  assert.equal(ScanDefinition.safeParse({ ...DEF, name: '../etc' }).success, false);
  assert.equal(ScanDefinition.safeParse({ ...DEF, vary: { seed: [1] } }).success, false);
  assert.equal(ScanDefinition.safeParse({ ...DEF, seeds: [] }).success, false);
  const ws = tmpDir('tagscape-scan-grid-');
  const store = new ScanStore(ws, 'g');
  const first = store.create(DEF);
  assert.deepEqual(store.create(DEF), first, 'creating the same scan again is a no-op');
  assert.throws(() => store.create({ ...DEF, seeds: [1] }), /already exists with another definition/);
  assert.throws(() => store.create({ ...DEF, train: { epochs: 0 } }), /Invalid scan definition at train\.epochs/);
  assert.throws(() => new ScanStore(ws, 'nope').read(), /No scan "nope" .*\(scans: g\)/);
  fs.rmSync(ws, { recursive: true, force: true });
});

test('resources: memory and time units, profiles, the SLURM script', () => {
  assert.equal(memoryMB('4G'), 4096);
  assert.equal(memoryMB('1500M'), 1500);
  assert.equal(memoryMB(700), 700);
  assert.equal(memoryMB('2.5GB'), 2560);
  assert.equal(timeSeconds('90'), 5400);
  assert.equal(timeSeconds('12:00:00'), 43200);
  assert.equal(timeSeconds('1-02:00:00'), 93600);
  assert.equal(timeSeconds('10:30'), 630);
  assert.equal(arraySpec([5, 0, 1, 2, 7, 8, 3]), '0-3,5,7-8');
  const dir = tmpDir('tagscape-scan-profile-');
  const profile = path.join(dir, 'p.json');
  fs.writeFileSync(profile, JSON.stringify({ cpus: 4, memory: '8G', time: '2-00:00:00', partition: 'gpu', account: 'cms', extra: ['--qos=long', '#SBATCH --exclusive'], maxRunning: 10, command: '/opt/node/bin/node "/srv/my tagscape/bin/tagscape.js"' }));
  const r = readProfile(profile);
  fs.writeFileSync(profile, JSON.stringify({ cpus: 'four' }));
  assert.throws(() => readProfile(profile), /p\.json: cpus: /);
  fs.writeFileSync(profile, '{');
  assert.throws(() => readProfile(profile), /cannot read the profile/);
  const ws = path.join(dir, 'w s');
  const store = new ScanStore(ws, 'g');
  store.create(DEF);
  const script = slurmScript(store, [0, 1, 2, 9], r);
  for (const line of ['#SBATCH --array=0-2,9%10', '#SBATCH --cpus-per-task=4', '#SBATCH --mem=8192M', '#SBATCH --time=2-00:00:00', '#SBATCH --partition=gpu', '#SBATCH --account=cms', '#SBATCH --qos=long', '#SBATCH --exclusive', '#SBATCH --signal=B:TERM@120', 'export TAGSCAPE_THREADS="${SLURM_CPUS_PER_TASK:-1}"']) {
    assert.ok(script.split('\n').includes(line), `${line} in\n${script}`);
  }
  assert.ok(script.includes(`exec /opt/node/bin/node '/srv/my tagscape/bin/tagscape.js' scan task --workspace '${ws}' --name g --index "$SLURM_ARRAY_TASK_ID" --scheduler-id "\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"`), script);
  // Every #SBATCH line comes before the first command, or sbatch ignores it.
  const lines = script.split('\n');
  assert.ok(lines.findLastIndex((l) => l.startsWith('#SBATCH')) < lines.findIndex((l) => l && !l.startsWith('#')));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('task states from the workspace: complete, failed, a dead running process, missing and unsubmitted', () => {
  const ws = tmpDir('tagscape-scan-state-');
  const store = new ScanStore(ws, 'g');
  const { tasks } = store.create({ ...DEF, modes: ['nominal'], vary: {} });
  assert.equal(tasks.length, 3);
  store.addSubmission({ executor: 'local', job_id: null, indices: [0, 1], submitted: new Date().toISOString(), files: [] });
  store.writeState(tasks[0], { state: 'complete', attempt: 1 });
  store.writeResult(0, { index: 0 });
  // A process that said "running" on this machine and no longer exists: killed.
  store.writeState(tasks[1], { state: 'running', attempt: 1, pid: 2 ** 22 + 12345, host: os.hostname() });
  let st = scanStatus(store);
  assert.deepEqual(st.tasks.map((t) => t.state), ['complete', 'failed', 'unsubmitted']);
  assert.match(st.tasks[1].error!, /ended without finishing/);
  assert.deepEqual(tasksToSend(store), [1, 2]);
  // A live process (this one) is running; a complete state without its result file is not complete.
  store.writeState(tasks[1], { state: 'running', pid: process.pid, host: os.hostname() });
  fs.rmSync(store.file('results/0.json'));
  st = scanStatus(store);
  assert.deepEqual(st.tasks.map((t) => t.state), ['failed', 'running', 'unsubmitted']);
  // Submitted to a scheduler that no longer lists it and never started: missing.
  store.addSubmission({ executor: 'slurm', job_id: '999999', indices: [2], submitted: new Date().toISOString(), files: [] });
  st = scanStatus(store, { env: { ...process.env, PATH: '/nonexistent' } });
  assert.deepEqual(st.unreachable, ['slurm (squeue)']);
  assert.equal(st.tasks[2].state, 'queued', 'squeue unreachable: a submitted task may still be queued');
  // Where accounting answers, it says why a task left the queue without a result (stand-ins for squeue and sacct).
  const bin = path.join(ws, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'squeue'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sacct'), '#!/bin/sh\necho "999999_2|OUT_OF_MEMORY"\necho "999999_7|TIMEOUT"\n', { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
  st = scanStatus(store, { env });
  assert.deepEqual([st.tasks[2].state, st.tasks[2].scheduler_state, st.unreachable], ['failed', 'OUT_OF_MEMORY', []]);
  assert.match(st.tasks[2].error!, /^SLURM ended it: OUT_OF_MEMORY \(raise --memory\)/);
  assert.equal(st.counts.failed, 2);
  // Cancelled before it started: still missing, with SLURM's word.
  fs.writeFileSync(path.join(bin, 'sacct'), '#!/bin/sh\necho "999999_2|CANCELLED by 0"\n', { mode: 0o755 });
  st = scanStatus(store, { env });
  assert.deepEqual([st.tasks[2].state, st.tasks[2].scheduler_state], ['missing', 'CANCELLED']);
  // Accounting off (the usual answer): the workspace's word stands.
  fs.writeFileSync(path.join(bin, 'sacct'), '#!/bin/sh\necho "Slurm accounting storage is disabled" >&2\nexit 1\n', { mode: 0o755 });
  assert.equal(scanStatus(store, { env }).tasks[2].state, 'missing');
  // HTCondor: condor_q's JobStatus per ProcId, mapped through the submission's task list (a stand-in condor_q).
  store.addSubmission({ executor: 'htcondor', job_id: '77', indices: [2, 0], submitted: new Date().toISOString(), files: [] });
  fs.writeFileSync(path.join(bin, 'condor_q'), '#!/bin/sh\necho "77 0 5"\necho "77 1 2"\n', { mode: 0o755 });
  st = scanStatus(store, { env });
  assert.deepEqual([st.tasks[2].state, st.tasks[2].scheduler_state, st.tasks[0].state, st.tasks[0].scheduler_state], ['failed', 'HELD', 'running', 'RUNNING']);
  assert.match(st.tasks[2].error!, /HTCondor holds it/);
  // A held job is still queued: it is not sent again.
  assert.equal(tasksToSend(store, { env }).includes(2), false);
  fs.rmSync(ws, { recursive: true, force: true });
});

test('a task still running here is not started twice, and its state file is left alone', async () => {
  const { spawn } = await import('node:child_process');
  const { runScanTask } = await import('../../main/engine/scan/task.ts');
  const ws = tmpDir('tagscape-scan-twice-');
  const store = new ScanStore(ws, 'g');
  const { tasks } = store.create({ ...DEF, modes: ['nominal'], vary: {}, seeds: [1] });
  const other = spawn('sleep', ['30']);
  try {
    const before = store.writeState(tasks[0], { state: 'running', attempt: 1, pid: other.pid!, host: os.hostname() });
    await assert.rejects(runScanTask({ workspace: ws, scan: 'g', index: 0 }), new RegExp(`Task 0 of scan "g" is already running \\(process ${other.pid} on `));
    assert.deepEqual(store.state(0), before);
    assert.equal(fs.existsSync(path.join(ws, 'runs')), false, 'no run was started');
  } finally {
    other.kill();
  }
  fs.rmSync(ws, { recursive: true, force: true });
});
