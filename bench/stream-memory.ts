/**
 * Peak memory of streamed training and evaluation on a large file, against the raw float32 size of its
 * inputs (n x F x 4 bytes; the goal is at most 1.5 times that for 1M jets).
 *
 *   node --import tsx bench/stream-memory.ts [--jets 1000000] [--epochs 1] [--dir DIR] [--in-memory] [--keep]
 *
 * It writes N synthetic DeepCSV jets to DIR/jets.h5 a block at a time (each block is a generator call with
 * its own seed, so the file is not `generate --jets N`, and the generator never holds more than a block),
 * then runs the real command line in child processes, each measured alone (peak RSS from getrusage, read
 * at exit by bench/rss-probe.mjs):
 *   - `tagscape train --help`, the cost of loading the command line itself;
 *   - `tagscape train --stream --epochs E` (batch 512, the default network);
 *   - `tagscape evaluate --stream` on the same file (its held-out test split);
 *   - with --in-memory, the same training with the file loaded whole, for comparison.
 * Prints one JSON object. DIR defaults to a fresh temporary folder, removed at the end unless --keep.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeJetsH5Chunked } from '../main/engine/data/h5.ts';
import { DEEPCSV_SCHEMA } from '../main/engine/schema/index.ts';
import { generateJets } from '../main/engine/synthetic/generator.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'tagscape.js');
const PROBE = path.join(ROOT, 'bench', 'rss-probe.mjs');
const MB = 1e6;

const { values } = parseArgs({
  options: {
    jets: { type: 'string', default: '1000000' },
    epochs: { type: 'string', default: '1' },
    dir: { type: 'string' },
    'in-memory': { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const n = Number(values.jets);
const epochs = Number(values.epochs);
if (!(Number.isInteger(n) && n >= 1000)) throw new Error(`--jets must be an integer >= 1000, not ${values.jets}.`);
if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`--epochs must be a positive integer, not ${values.epochs}.`);
const dir = values.dir ? path.resolve(values.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-bench-memory-'));
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'jets.h5');
const ws = path.join(dir, 'ws');
const F = DEEPCSV_SCHEMA.features.length;
const rawBytes = n * F * 4;

/** One CLI run in its own process: its JSON result, wall time and peak RSS. */
function measure(args: string[]): { result: Record<string, unknown> | null; seconds: number; peak_rss_mb: number; ratio_to_raw: number } {
  const rssFile = path.join(dir, `rss-${process.pid}-${Date.now()}.txt`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', PROBE, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAGSCAPE_RSS_OUT: rssFile },
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tagscape ${args.join(' ')} failed with exit code ${r.status}.`);
  const peak = Number(fs.readFileSync(rssFile, 'utf8'));
  fs.rmSync(rssFile);
  const result = args.includes('--json') ? (JSON.parse(r.stdout) as Record<string, unknown>) : null;
  return { result, seconds: Number(seconds.toFixed(1)), peak_rss_mb: Math.round(peak / MB), ratio_to_raw: Number((peak / rawBytes).toFixed(2)) };
}

const t0 = performance.now();
if (!fs.existsSync(file)) {
  await writeJetsH5Chunked(file, DEEPCSV_SCHEMA, n, (s, e) => {
    const block = generateJets({ jets: e - s, seed: 1000 + s });
    process.stderr.write(`\rgenerating ${e} / ${n} jets`);
    return { features: block.features, labels: block.labels };
  }, { blockRows: 50000, attributes: { generator: `synthetic blocks of 50000 jets, seed 1000 + first row, ${n} jets` } });
  process.stderr.write('\n');
}
const generateSeconds = (performance.now() - t0) / 1000;

const cli = measure(['train', '--help']);
fs.rmSync(ws, { recursive: true, force: true });
const trainArgs = (name: string) => ['train', '--data', file, '--stream', '--epochs', String(epochs), '--workspace', ws, '--name', name, '--json'];
const evaluateArgs = (name: string) => ['evaluate', '--workspace', ws, '--run', name, '--data', file, '--stream', '--json'];
const train = measure(trainArgs('streamed'));
const evaluate = measure(evaluateArgs('streamed'));
const inMemory = values['in-memory'] ? measure(['train', '--data', file, '--in-memory', '--epochs', String(epochs), '--workspace', ws, '--name', 'in-memory', '--json']) : null;

const summary = (m: ReturnType<typeof measure>, keys: string[]) => ({
  peak_rss_mb: m.peak_rss_mb,
  ratio_to_raw: m.ratio_to_raw,
  seconds: m.seconds,
  ...Object.fromEntries(keys.map((k) => [k, m.result?.[k] ?? null])),
});
const report = {
  jets: n,
  features: F,
  raw_float32_mb: Math.round(rawBytes / MB),
  file_mb: Math.round(fs.statSync(file).size / MB),
  target_peak_mb: Math.round((1.5 * rawBytes) / MB),
  generate_seconds: Number(generateSeconds.toFixed(1)),
  cli_loaded_rss_mb: cli.peak_rss_mb,
  train_streamed: summary(train, ['backend', 'train_jets_per_s', 'test_auc']),
  evaluate_streamed: summary(evaluate, ['split', 'jets', 'auc']),
  ...(inMemory ? { train_in_memory: summary(inMemory, ['train_jets_per_s', 'test_auc']) } : {}),
  platform: `${os.cpus().length} cores, Node ${process.versions.node}`,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
if (!values.keep && !values.dir) fs.rmSync(dir, { recursive: true, force: true });
