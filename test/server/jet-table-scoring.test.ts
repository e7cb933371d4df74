/**
 * The Data page's jet table scores a run off the thread that serves requests: while 100k jets are scored,
 * the same handlers (the loopback server's and the Electron main process's) answer a status request, and
 * the scores are the very numbers the blocking prediction gives, on both kernel paths, without leaking
 * tensors.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { writeJetsH5 } from '../../main/engine/data/h5.ts';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { predictRaw } from '../../main/engine/evaluate/evaluate-run.ts';
import { jetScores } from '../../main/engine/evaluate/jet-scores.ts';
import { fastProbs, fastProbsAsync } from '../../main/engine/fast/dense.ts';
import { setKernelPath } from '../../main/engine/fast/kernels.ts';
import { FastPool } from '../../main/engine/fast/pool.ts';
import { discriminant } from '../../main/engine/metrics/discriminants.ts';
import { loadRun } from '../../main/engine/store/run-model.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { backend, repeatedJets, tmpDir } from '../helpers.ts';

const bits = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the jet table\'s scores, off the serving thread', () => {
  let workspace: string;
  /** 100k jets: 5000 generated ones repeated 20 times (generating 100k would take minutes). */
  let big: JetDataset;
  let file: string;

  before(async () => {
    await backend();
    workspace = tmpDir();
    await startTraining({ workspace, name: 'r', data: generateJets({ jets: 1500, seed: 2 }), config: { epochs: 1, batchSize: 256 } });
    big = repeatedJets(generateJets({ jets: 5000, seed: 7 }), 20);
    file = path.join(tmpDir(), 'jets-100k.h5');
    await writeJetsH5(file, big);
  });
  after(() => setKernelPath(null));

  /** The scores as the table computed them before: predicted on this thread, blocking it. */
  const blocking = (d: JetDataset) => {
    const loaded = loadRun(workspace, 'r');
    try {
      const spec = d.schema.discriminants[0];
      return discriminant(predictRaw(loaded, d.schema, d.features), d.labels, d.schema, spec).values;
    } finally {
      loaded.model.dispose();
    }
  };

  for (const kernels of ['simd', 'tfjs'] as const) {
    it(`answers a status request while a run scores 100k jets for the table (${kernels} kernels)`, async () => {
      setKernelPath(kernels);
      const handlers = createHandlers(workspace, new JobManager({ workspace, maxConcurrent: 1 }));
      // The jets are loaded (and cached) first, so what follows is the scoring alone.
      const plain = await dispatch(handlers, 'dataPage', { data: file, offset: 0, limit: 5 });
      assert.ok(plain.ok, JSON.stringify(plain));
      const events: string[] = [];
      const table = dispatch(handlers, 'dataPage', { data: file, offset: 0, limit: 20, run: 'r', sort: { column: 'score', order: 'desc' } }).then((reply) => {
        events.push('table');
        return reply;
      });
      // The next turn of the event loop: a thread that scored in place would reach it only once the table is done.
      await new Promise((resolve) => setImmediate(resolve));
      events.push('next turn');
      const status = await dispatch(handlers, 'listJobs', {});
      assert.ok(status.ok);
      events.push('status');
      const reply = await table;
      assert.deepEqual(events, ['next turn', 'status', 'table'], 'the status request is answered before the table');
      assert.ok(reply.ok, JSON.stringify(reply));
      const page = reply.result as { matched: number; score: { run: string; discriminant: string }; rows: Array<{ jet: number; score: number }> };
      assert.equal(page.matched, big.n);
      assert.deepEqual(page.score, { run: 'r', discriminant: 'BvL' });
      // The rows carry the blocking computation's scores, highest first.
      const expected = blocking(big);
      const top = [...expected].sort((a, b) => b - a).slice(0, 20);
      assert.deepEqual(page.rows.map((r) => r.score), top);
      for (const r of page.rows) assert.equal(r.score, expected[r.jet]);
    });

    it(`gives the blocking prediction's scores bit for bit on the ${kernels} kernels, and leaks no tensor`, async () => {
      setKernelPath(kernels);
      // Fewer jets on the (slower) tensor path.
      const d = kernels === 'simd' ? big : { ...big, n: 20000, features: big.features.subarray(0, 20000 * big.schema.features.length), labels: big.labels.subarray(0, 20000) };
      const expected = blocking(d);
      const tensors = tf.memory().numTensors;
      const scores = await jetScores(workspace, 'r', d);
      assert.equal(tf.memory().numTensors, tensors, 'the run\'s model is disposed');
      assert.equal(scores.values.length, d.n);
      assert.ok(bits(scores.values).equals(bits(expected)), 'the same bits');
      assert.ok(new Set(scores.values.subarray(0, 5000)).size > 100, 'the scores vary from jet to jet');
    });
  }

  it('gives fastProbs\' bits from the workers alone, on one thread and on two, with a blocking call in between', async () => {
    setKernelPath('simd');
    const loaded = loadRun(workspace, 'r');
    const F = big.schema.features.length;
    const C = loaded.model.config.outputs;
    // Three blocks of rowOp's 32768 rows, the last one partial.
    const x = big.features.subarray(0, 70001 * F).map((v, i) => v / (1 + (i % F)));
    for (const threads of [1, 2]) {
      const pool = new FastPool(threads);
      try {
        const expected = fastProbs(loaded.model, x, pool);
        // A blocking operation while the asynchronous one is in flight must not disturb its blocks.
        const pending = fastProbsAsync(loaded.model, x, pool);
        const between = fastProbs(loaded.model, x.subarray(0, 1000 * F), pool);
        assert.ok(bits(between).equals(bits(expected.subarray(0, 1000 * C))));
        assert.ok(bits(await pending).equals(bits(expected)), `${threads} thread(s)`);
      } finally {
        pool.close();
      }
    }
    loaded.model.dispose();
  });
});
