/**
 * The Data page on a file read from disk (as a large .h5 is): the summary, the jet table's orders and
 * windows and a run's scores are the very numbers of the same jets loaded whole, for every kind of sort
 * and filter, while a window reads only its rows and no pass holds the jets.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { JetDataset } from '../../main/engine/data/dataset.ts';
import { readJetsH5, writeJetsH5 } from '../../main/engine/data/h5.ts';
import { jetTableOrder, jetTablePage } from '../../main/engine/data/jet-table.ts';
import { openJets } from '../../main/engine/data/open.ts';
import { memorySource, type JetSource } from '../../main/engine/data/source.ts';
import { summariseData } from '../../main/engine/data/summary.ts';
import { jetScores } from '../../main/engine/evaluate/jet-scores.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { JobManager } from '../../main/jobs/job-manager.ts';
import { createHandlers, dispatch } from '../../main/server/handlers.ts';
import { OpenSources } from '../../main/server/open-sources.ts';
import { backend, repeatedJets, tmpDir } from '../helpers.ts';

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A source that counts the jets and reads asked of it; blocks of 700 jets, so blocks and windows straddle. */
async function streamed(file: string): Promise<JetSource & { jetsRead: number; reads: number }> {
  const src = await openJets(file, { stream: true, blockRows: 700 });
  assert.equal(src.inMemory, false, 'the file is read from disk');
  const counted = Object.assign(src, { jetsRead: 0, reads: 0 });
  const readRows = src.readRows.bind(src);
  counted.readRows = (s, e, into) => {
    counted.jetsRead += e - s;
    counted.reads++;
    return readRows(s, e, into);
  };
  return counted;
}

describe('the Data page on a file read from disk', () => {
  let workspace: string;
  let file: string;
  let d: JetDataset;

  before(async () => {
    await backend();
    workspace = tmpDir();
    await startTraining({ workspace, name: 'r', data: generateJets({ jets: 1500, seed: 2 }), config: { epochs: 1, batchSize: 256 } });
    file = path.join(tmpDir(), 'jets.h5');
    // 20k jets: 5000 generated ones repeated 4 times (ties in every column, broken by the data order).
    await writeJetsH5(file, repeatedJets(generateJets({ jets: 5000, seed: 11 }), 4));
    d = await readJetsH5(file);
  });

  /** `fn` on a counting source streamed from the file, closed afterwards whatever happens. */
  async function withStreamed(fn: (src: Awaited<ReturnType<typeof streamed>>) => Promise<void>): Promise<void> {
    const src = await streamed(file);
    try {
      await fn(src);
    } finally {
      await src.close();
    }
  }

  it('summarises the file with the numbers of the jets loaded whole, for any input', async () => {
    await withStreamed(async (src) => {
      for (const feature of [undefined, 'jet_pt', 'trackSip3dSig_2', 'jetNSelectedTracks']) {
        assert.deepEqual(await summariseData(src, feature, 25), await summariseData(d, feature, 25), String(feature));
      }
      assert.equal(src.jetsRead, 4 * d.n, 'one pass over the file per summary');
    });
  });

  it('gives a run\'s scores bit for bit as on the jets loaded whole', async () => {
    await withStreamed(async (src) => {
      const fromFile = await jetScores(workspace, 'r', src);
      const whole = await jetScores(workspace, 'r', d);
      assert.ok(bits(fromFile.values).equals(bits(whole.values)));
      assert.ok(new Set(fromFile.values).size > 100, 'the scores vary from jet to jet');
    });
  });

  it('orders and pages the jets as loaded whole, reading only the rows in view', async () => {
    await withStreamed(async (src) => {
      const scores = await jetScores(workspace, 'r', d);
      const queries = [
        {},
        { sort: { column: 'jet', order: 'desc' as const } },
        { sort: { column: 'flavour', order: 'asc' as const } },
        { sort: { column: 'flavour', order: 'desc' as const } },
        { sort: { column: 'jet_pt', order: 'asc' as const } },
        { sort: { column: 'trackSip2dSig_1', order: 'desc' as const } },
        { sort: { column: 'score', order: 'asc' as const } },
        { sort: { column: 'score', order: 'desc' as const } },
        { classes: ['b', 'bb'], sort: { column: 'jet_eta', order: 'asc' as const } },
        { range: { column: 'jet_pt', min: 40, max: 90 }, sort: { column: 'score', order: 'desc' as const } },
        { range: { column: 'score', min: 0.5 }, classes: ['udsg'] },
      ];
      for (const q of queries) {
        const whole = await jetTableOrder(d, q, scores);
        const order = await jetTableOrder(src, q, scores);
        assert.deepEqual([...order], [...whole], JSON.stringify(q));
        assert.ok(order.length > 100, `enough jets match ${JSON.stringify(q)} (${order.length})`);
        for (const offset of [0, 37, order.length - 60]) {
          const before = src.jetsRead;
          const page = await jetTablePage(src, order, offset, 80, scores);
          assert.deepEqual(page, await jetTablePage(d, whole, offset, 80, scores), `${JSON.stringify(q)} at ${offset}`);
          assert.equal(page.rows.length, Math.min(80, order.length - offset));
          // Rows further apart than a few dozen jets are read apart: a window reads a small part of the file.
          assert.ok(src.jetsRead - before <= 80 * 65 && 80 * 65 < d.n / 3, `${src.jetsRead - before} jets read for a window of 80`);
        }
      }
      // A window of consecutive jets is one read of exactly those jets.
      const [reads, read] = [src.reads, src.jetsRead];
      await jetTablePage(src, await jetTableOrder(src, {}), 1000, 50);
      assert.deepEqual([src.reads - reads, src.jetsRead - read], [1, 50]);
    });
  });

  it('answers the Data page\'s requests alike from a file streamed and from the jets loaded whole', async () => {
    const jobs = new JobManager({ workspace, maxConcurrent: 1 });
    const whole = createHandlers(workspace, jobs);
    const fromDisk = createHandlers(workspace, jobs, { open: { stream: true, blockRows: 700 } });
    const same = async (op: 'dataSummary' | 'dataPage', payload: object) => {
      const [a, b] = [await dispatch(fromDisk, op, payload), await dispatch(whole, op, payload)];
      assert.ok(a.ok, JSON.stringify(a));
      assert.deepEqual(a, b, JSON.stringify(payload));
    };
    await same('dataSummary', { data: file, feature: 'jet_eta', bins: 30 });
    await same('dataPage', { data: file, offset: 100, limit: 60, run: 'r', sort: { column: 'score', order: 'desc' }, classes: ['b', 'c'] });
    await same('dataPage', { data: file, offset: 0, limit: 60, sort: { column: 'trackSip3dSig_0', order: 'asc' }, range: { column: 'jet_pt', max: 80 } });
    const bad = await dispatch(fromDisk, 'dataPage', { data: file, offset: 0, limit: 5, sort: { column: 'nope', order: 'asc' } });
    assert.deepEqual(bad, { ok: false, error: 'The data has no column "nope"; sort or filter by jet, flavour, score or one of its inputs.' });
  });

  it('answers other requests while it reads the file for a summary or a column', async () => {
    const jobs = new JobManager({ workspace, maxConcurrent: 1 });
    const handlers = createHandlers(workspace, jobs, { open: { stream: true, blockRows: 700 } });
    // The file is opened first, so what follows is the passes over it alone.
    assert.ok((await dispatch(handlers, 'dataPage', { data: file, offset: 0, limit: 5 })).ok);
    for (const [op, payload] of [
      ['dataSummary', { data: file, feature: 'trackSip3dSig_1' }],
      ['dataPage', { data: file, offset: 0, limit: 5, sort: { column: 'trackSip3dSig_1', order: 'asc' } }],
    ] as const) {
      const events: string[] = [];
      const pass = dispatch(handlers, op, payload).then((reply) => {
        events.push(op);
        return reply;
      });
      // The next turn of the event loop: a pass that read the whole file at once would reach it only when done.
      await new Promise((resolve) => setImmediate(resolve));
      events.push('next turn');
      assert.ok((await dispatch(handlers, 'listJobs', {})).ok);
      events.push('status');
      const reply = await pass;
      assert.ok(reply.ok, JSON.stringify(reply).slice(0, 300));
      assert.deepEqual(events, ['next turn', 'status', op], `the status request is answered before the ${op}`);
    }
  });
});

describe('the files the Data page keeps open', () => {
  /** A stand-in source that records whether it was closed. */
  const fake = (spec: string, inMemory = false) => ({ ...memorySource(generateJets({ jets: 10, seed: 1 })), inMemory, spec, closed: false, close() { this.closed = true; } });

  it('keeps the last files open, and closes one that leaves only once the requests using it are done', async () => {
    const opened: Array<ReturnType<typeof fake>> = [];
    const files = new OpenSources(async (spec) => {
      const src = fake(spec);
      opened.push(src);
      return src;
    }, 2);
    let release!: () => void;
    const busy = files.use('a', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    await files.use('a', async () => {});
    assert.equal(opened.length, 1, 'a second request uses the open file');
    await files.use('b', async () => {});
    await files.use('c', async () => {});
    assert.deepEqual(opened.map((s) => [s.spec, s.closed]), [['a', false], ['b', false], ['c', false]], 'a is still being read');
    release();
    await busy;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(opened.map((s) => [s.spec, s.closed]), [['a', true], ['b', false], ['c', false]]);
    await files.use('a', async () => {});
    assert.equal(opened.length, 4, 'a left, so it is opened again');
    assert.equal(opened[1].closed, true, 'and b leaves in its place');
  });

  it('does not keep a source in memory (its opener caches those), nor a file that failed to open', async () => {
    let opens = 0;
    const files = new OpenSources(async (spec) => {
      opens++;
      if (spec === 'bad') throw new Error('bad: no such file.');
      return fake(spec, true);
    });
    await files.use('small', async () => {});
    await files.use('small', async () => {});
    await assert.rejects(() => files.use('bad', async () => {}), /no such file/);
    await assert.rejects(() => files.use('bad', async () => {}), /no such file/);
    assert.equal(opens, 4);
  });
});
