/**
 * The window's side of scans: list, status while the tasks run as job processes (the local executor),
 * submit (idempotent), collect with the banded figure, a cancelled task left failed and resumable, and
 * payloads refused by the contract.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fromWire } from '../../shared/charts/wire.ts';
import { ScanStore } from '../../main/engine/scan/store.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { tmpDir, waitForJob } from '../helpers.ts';

async function call(h: ReturnType<typeof createHandlers>, op: string, payload: unknown): Promise<any> {
  const r = await dispatch(h, op, payload);
  if (!r.ok) throw new Error(r.error);
  return r.result;
}

test('scans in the window: status, local submit as jobs, collect with bands, cancel and resubmit', { timeout: 600_000 }, async () => {
  const ws = tmpDir('tagscape-scan-api-');
  new ScanStore(ws, 'w').create({
    name: 'w', data: 'synthetic:1500', modes: ['nominal'], seeds: [1, 2, 3], train: { epochs: 2, batchSize: 256 },
    evaluate: { attacks: ['fgsm'], eps: [0, 0.02] },
  });
  const jobs = new JobManager({ workspace: ws, maxConcurrent: 1 });
  const h = createHandlers(ws, jobs);
  const listed = await call(h, 'listScans', {});
  assert.deepEqual(listed.scans.map((s: any) => [s.name, s.tasks, s.counts.unsubmitted]), [['w', 3, 3]]);

  const sub = await call(h, 'submitScan', { scan: 'w' });
  assert.deepEqual(sub.submitted, [0, 1, 2]);
  // One job at a time: the others are queued in the job manager, which status reports.
  const during = await call(h, 'scanStatus', { scan: 'w' });
  assert.equal(during.counts.queued + during.counts.running, 3);
  // Submitting again while they wait sends nothing twice.
  assert.deepEqual((await call(h, 'submitScan', { scan: 'w' })).submitted, []);
  // Task 2 is cancelled while it waits: it never starts, so it is missing; resubmitting sends it alone.
  await call(h, 'cancelJob', { job: sub.jobs[2] });
  for (const id of sub.jobs.slice(0, 2)) assert.equal((await waitForJob(jobs, id)).status, 'complete');
  const after = await call(h, 'scanStatus', { scan: 'w' });
  assert.deepEqual(after.tasks.map((t: any) => t.state), ['complete', 'complete', 'missing']);
  const again = await call(h, 'submitScan', { scan: 'w' });
  assert.deepEqual(again.submitted, [2]);
  assert.equal((await waitForJob(jobs, again.jobs[0])).status, 'complete');
  assert.deepEqual((await call(h, 'scanStatus', { scan: 'w' })).counts.complete, 3);

  const col = await call(h, 'collectScan', { scan: 'w', discriminant: 'BvC' });
  assert.equal(col.summary.complete, 3);
  const rows = col.summary.robustness.filter((r: any) => r.attack === 'fgsm');
  assert.deepEqual(rows.map((r: any) => [r.eps, r.auc.BvC.n]), [[0, 3], [0.02, 3]]);
  const results = [0, 1, 2].map((i) => JSON.parse(fs.readFileSync(`${ws}/scans/w/results/${i}.json`, 'utf8')));
  const at = (r: any) => r.robustness.find((x: any) => x.eps === 0.02).auc.BvC;
  const values = results.map(at);
  const mean = values.reduce((a: number, b: number) => a + b, 0) / 3;
  assert.ok(Math.abs(rows[1].auc.BvC.mean - mean) < 1e-15);
  assert.ok(Math.abs(rows[1].auc.BvC.sd - Math.sqrt(values.reduce((s: number, v: number) => s + (v - mean) ** 2, 0) / 2)) < 1e-15);
  // The figure: a mean line with its ±sd band (two stacked series, the upper one filled).
  const option = fromWire(col.option) as { series: Array<{ name: string; stack?: string; areaStyle?: unknown; data: number[][] }> };
  const band = option.series.find((s) => s.areaStyle && s.stack);
  assert.ok(band, 'a band series');
  const width = band!.data.find((p) => p[0] === 0.02)![1];
  assert.ok(Math.abs(width - 2 * rows[1].auc.BvC.sd) < 1e-12);

  for (const bad of [{ scan: '../x' }, { scan: 'w', extra: 1 }, {}]) assert.equal((await dispatch(h, 'scanStatus', bad)).ok, false);
  const unknown = await dispatch(h, 'scanStatus', { scan: 'nope' });
  assert.ok(!unknown.ok && /No scan "nope"/.test(unknown.error));
  jobs.shutdown();
  fs.rmSync(ws, { recursive: true, force: true });
});
