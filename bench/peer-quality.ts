/**
 * Training quality against the paper's framework (`npm run bench:quality`): the same setup trained in
 * Tagscape (the engine's startTraining, as `tagscape train` runs it) and in PyTorch
 * (bench/peer-quality.py, run with /usr/bin/python3), on the same jets, the same train/validation/test
 * split and the same preprocessing, and both test AUCs computed by Tagscape's ROC code.
 *
 *   node --import tsx bench/peer-quality.ts [--data synthetic:20000] [--seeds 1,2,3] [--epochs 5,40]
 *                                           [--adv-eps 0.01] [--dir DIR] [--keep] [--json]
 *
 * Setup (Tagscape's defaults, which are the paper's DeepCSV setup): 5 x 100 ReLU, dropout 0.1, Adam
 * lr 1e-3 with lr0 / (1 + epoch / 30), batch 512, cross-entropy, no reweighting; the FGSM model replaces
 * every batch by its FGSM version at eps = 0.01 (training sigma). For each seed, one run per model is
 * trained to the largest epoch count with early stopping off, and the weights after each listed epoch
 * count are evaluated (a run resumed from a checkpoint is bit for bit the shorter run, and the learning
 * rate depends on the epoch only, so the 5-epoch weights of a 40-epoch run are those of a 5-epoch run).
 * What goes to PyTorch: the raw inputs, labels, weights, the schema's defaults and integer inputs, and
 * per seed the split and the standardisation Tagscape fitted. The peer applies the standardisation itself
 * and writes its test-set probabilities; Tagscape's evaluatePredictions turns both into AUCs.
 * Where /usr/bin/python3 has no torch, only Tagscape's side runs and the output says why.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../main/engine/backend.ts';
import { openJets } from '../main/engine/data/open.ts';
import { kernelPath, threadCount } from '../main/engine/fast/kernels.ts';
import { predictSourceRows } from '../main/engine/evaluate/predict-source.ts';
import { aucTable, evaluatePredictions } from '../main/engine/metrics/evaluate.ts';
import { Mlp } from '../main/engine/model/mlp.ts';
import { loadModelArrays } from '../main/engine/model/serialize.ts';
import { rowsOf, SPLIT_TEST } from '../main/engine/preprocess/split.ts';
import type { Standardizer } from '../main/engine/preprocess/standardize.ts';
import { readBundle } from '../main/engine/store/bundle.ts';
import { Workspace } from '../main/engine/store/workspace.ts';
import type { RunConfig } from '../main/engine/train/run.ts';
import { startTraining } from '../main/engine/train/run.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PEER = path.join(HERE, 'peer-quality.py');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'synthetic:20000' },
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '5,40' },
    'adv-eps': { type: 'string', default: '0.01' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const list = (s: string, what: string) =>
  s.split(',').map((x) => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < (what === 'seeds' ? 0 : 1)) throw new Error(`--${what} takes a comma-separated list of whole numbers, not "${s}".`);
    return v;
  });
const seeds = list(values.seeds!, 'seeds');
const epochList = [...new Set(list(values.epochs!, 'epochs'))].sort((a, b) => a - b);
const maxEpochs = epochList[epochList.length - 1];
const advEps = Number(values['adv-eps']);
if (!(advEps >= 0)) throw new Error(`--adv-eps must be a number >= 0, not ${values['adv-eps']}.`);
const dir = values.dir ? path.resolve(values.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-peer-quality-'));
fs.mkdirSync(dir, { recursive: true });
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Why the peer cannot run here, or null when /usr/bin/python3 imports torch. */
function peerMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} does not exist`;
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch and numpy (apt-get install -y python3-torch libopenblas0-pthread python3-threadpoolctl)`;
}

function writeArray(file: string, a: Float32Array | Int32Array | Uint8Array): void {
  fs.writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const backend = await initBackend();
// Which code trains: the fast simd kernels (the default on wasm and cpu) or tfjs's own ops (TAGSCAPE_KERNELS=tfjs).
const kernels = `${kernelPath()}${kernelPath() === 'simd' ? `, ${threadCount()} thread(s)` : ''}`;
log(`backend: ${backend.name}, kernels ${kernels}; data ${values.data}; seeds ${seeds.join(',')}; epochs ${epochList.join(',')}; FGSM eps ${advEps || 'off'}; folder ${dir}`);
const src = await openJets(values.data!, { seed: 1 });
const schema = src.schema;
const F = schema.features.length;
const raw = await src.readRows(0, src.n);
writeArray(path.join(dir, 'raw.f32'), raw);
writeArray(path.join(dir, 'labels.i32'), src.labels);
if (src.weights) writeArray(path.join(dir, 'weights.f32'), src.weights);
fs.writeFileSync(
  path.join(dir, 'schema.json'),
  // NaN defaults (none) become null in JSON; the peer reads null as NaN.
  JSON.stringify({ name: schema.name, classes: schema.classes, features: schema.features.map((f) => f.name), defaults: schema.features.map((f) => f.defaultValue), integer: schema.features.map((f) => f.integer) }),
);
const missing = peerMissing();
if (missing) log(`PyTorch peer skipped: ${missing}.`);

type Model = 'nominal' | 'fgsm';
const models: Model[] = advEps > 0 ? ['nominal', 'fgsm'] : ['nominal'];
interface Row { seed: number; model: Model; epochs: number; tagscape: Record<string, number | null>; pytorch: Record<string, number | null> | null }
const rows: Row[] = [];
const firstLoss: Record<string, { tagscape: number[]; pytorch: number[] }> = {};
let peerInfo: Record<string, unknown> | null = null;
const ws = path.join(dir, 'ws');

for (const seed of seeds) {
  const testRows: Record<Model, Uint32Array> = {} as Record<Model, Uint32Array>;
  for (const model of models) {
    const name = `${model}-s${seed}`;
    if (new Workspace(ws).exists(name)) fs.rmSync(new Workspace(ws).runDir(name), { recursive: true, force: true });
    const t0 = performance.now();
    const res = await startTraining({
      workspace: ws,
      name,
      data: src,
      config: {
        epochs: maxEpochs,
        seed,
        // Early stopping off: every listed epoch count is reached on both sides.
        patience: maxEpochs,
        adversarial: model === 'fgsm' ? { attack: 'fgsm', eps: advEps, fraction: 1, warmupEpochs: 0 } : null,
      },
      callbacks: { onEpochEnd: (r) => process.stderr.write(`\r${name}: epoch ${r.epoch}/${maxEpochs} loss ${r.loss.toFixed(4)}   `) },
    });
    log(`\r${name}: ${maxEpochs} epochs in ${((performance.now() - t0) / 1000).toFixed(0)} s, first-epoch loss ${res.history[0].loss.toFixed(4)}`);
    (firstLoss[model] ??= { tagscape: [], pytorch: [] }).tagscape.push(res.history[0].loss);
    const w = new Workspace(ws);
    const config = w.readJson<RunConfig>(name, 'config.json');
    const split = readBundle(w.file(name, 'split.bin')).arrays.split.data as Uint8Array;
    const { standardizer } = w.readJson<{ standardizer: Standardizer }>(name, 'preprocess.json');
    // The split and standardisation depend on the seed only, so both models of a seed share them.
    writeArray(path.join(dir, `split-${seed}.u8`), split);
    fs.writeFileSync(path.join(dir, `standardizer-${seed}.json`), JSON.stringify(standardizer));
    const test = rowsOf(split, SPLIT_TEST);
    testRows[model] = test;
    const net = new Mlp(config.model, seed);
    for (const e of epochList) {
      loadModelArrays(net, readBundle(w.checkpointFile(name, e)).arrays);
      const probs = await predictSourceRows(net, standardizer, src, test);
      const labels = Int32Array.from(test, (i) => src.labels[i]);
      rows.push({ seed, model, epochs: e, tagscape: aucTable(evaluatePredictions(schema, probs, labels)), pytorch: null });
    }
    net.dispose();
  }
  if (missing) continue;
  const t0 = performance.now();
  const r = spawnSync(PYTHON, [PEER, '--dir', dir, '--seed', String(seed), '--epochs', epochList.join(','), '--adv-eps', String(advEps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`The PyTorch peer failed for seed ${seed}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  const info = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown> & Record<Model, { epoch_losses: number[] }>;
  log(`pytorch seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(0)} s, first-epoch loss ${models.map((m) => info[m].epoch_losses[0]).join(' / ')}`);
  for (const m of models) firstLoss[m].pytorch.push(info[m].epoch_losses[0]);
  peerInfo = { peer: info.peer, threads: info.threads, blas: info.blas, blas_version: info.blas_version, blas_architecture: info.blas_architecture };
  for (const row of rows.filter((x) => x.seed === seed)) {
    const probs = readF32(path.join(dir, `probs-${seed}-${row.model}-e${row.epochs}.f32`));
    const test = testRows[row.model];
    if (probs.length !== test.length * schema.classes.length) throw new Error(`The peer wrote ${probs.length} probabilities for ${test.length} test jets.`);
    row.pytorch = aucTable(evaluatePredictions(schema, probs, Int32Array.from(test, (i) => src.labels[i])));
  }
}
await src.close();

const stats = (xs: number[]) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean: m, sd, n: xs.length };
};
const disc = Object.keys(rows[0].tagscape)[0];
const summary = models.flatMap((model) =>
  epochList.map((epochs) => {
    const sel = rows.filter((r) => r.model === model && r.epochs === epochs);
    const t = stats(sel.map((r) => r.tagscape[disc]!));
    const p = missing ? null : stats(sel.map((r) => r.pytorch![disc]!));
    // Per seed, both frameworks trained on the same split: the paired difference and its spread over seeds.
    const difference = missing ? null : stats(sel.map((r) => r.tagscape[disc]! - r.pytorch![disc]!));
    return { model, epochs, discriminant: disc, tagscape: t, pytorch: p, difference };
  }),
);
const result = {
  data: values.data,
  jets: src.n,
  features: F,
  backend: backend.name,
  kernels,
  seeds,
  adv_eps: advEps,
  peer: missing ? { skipped: missing } : peerInfo,
  first_epoch_loss: Object.fromEntries(Object.entries(firstLoss).map(([m, v]) => [m, { tagscape: stats(v.tagscape), pytorch: v.pytorch.length ? stats(v.pytorch) : null }])),
  summary,
  runs: rows,
};
fs.writeFileSync(path.join(dir, 'peer-quality.json'), JSON.stringify(result, null, 1));
if (values.json) {
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const f = (s: { mean: number; sd: number } | null) => (s ? `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}` : 'skipped');
  console.log(`peer: ${missing ? `skipped (${missing})` : `${peerInfo!.peer}, ${peerInfo!.threads} thread(s), BLAS ${peerInfo!.blas} ${peerInfo!.blas_version ?? ''} ${peerInfo!.blas_architecture ?? ''}`}`);
  console.log(`tagscape: backend ${backend.name}, kernels ${kernels}; data ${values.data} (${src.n} jets); seeds ${seeds.join(',')}; test ${disc} AUC, mean ± sd over seeds`);
  console.log(['model', 'epochs', 'tagscape', 'pytorch', 'tagscape − pytorch (paired)'].join('\t'));
  for (const s of summary) console.log([s.model === 'fgsm' ? `FGSM ε=${advEps}` : 'nominal', s.epochs, f(s.tagscape), f(s.pytorch), s.difference ? f(s.difference) : ''].join('\t'));
  for (const [m, v] of Object.entries(result.first_epoch_loss)) console.log(`first-epoch training loss, ${m}: tagscape ${f(v.tagscape)}, pytorch ${f(v.pytorch)}`);
}
if (!values.keep && !values.dir) fs.rmSync(dir, { recursive: true, force: true });
else log(`files kept in ${dir}`);
