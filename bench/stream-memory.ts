/**
 * Peak memory of streamed training and evaluation on a large file, against the raw float32 size of its
 * inputs (n x F x 4 bytes; the goal is at most 1.5 times that for 1M jets).
 *
 *   node --import tsx bench/stream-memory.ts [--jets 1000000] [--epochs 1] [--dir DIR] [--in-memory] [--only LIST] [--keep]
 *
 * It writes N synthetic DeepCSV jets to DIR/jets.h5 a block at a time (each block is a generator call with
 * its own seed, so the file is not `generate --jets N`, and the generator never holds more than a block),
 * then runs the real command line in child processes, each measured alone (peak RSS from getrusage, read
 * at exit by bench/rss-probe.mjs), with the V8 flags the installed `tagscape` command and `npm start`
 * run with (main/engine/node-flags.ts):
 *   - `cli`: `tagscape train --help`, the cost of loading the command line itself;
 *   - `train_streamed`: `tagscape train --stream --epochs E` (batch 512, the default network);
 *   - `evaluate_streamed`: `tagscape evaluate --stream` on the same file (its held-out test split);
 * and with --in-memory, every command that holds the jets whole:
 *   - `train_in_memory`: the same training with the file loaded whole (run "in-memory");
 *   - `inspect_data`: `tagscape inspect-data`;
 *   - `robustness`: `tagscape robustness` of run "in-memory", FGSM at eps 0 and 0.01 on its 200k test jets
 *     (its attack cache emptied first, so the attack is computed and written);
 *   - `landscape`: `tagscape landscape` of that run over 500 jets, gradient x random, 21 x 21;
 *   - `data_page`: the Data page's dataSummary and dataPage in a process with the server's modules
 *     (bench/data-page-probe.ts).
 * --only picks some of these by name (comma-separated); robustness and landscape then need the
 * "in-memory" run from an earlier call with the same --dir. Prints one JSON object. DIR defaults to a
 * fresh temporary folder, removed at the end unless --keep.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeJetsH5Chunked } from '../main/engine/data/h5.ts';
import { ENGINE_NODE_FLAGS } from '../main/engine/node-flags.ts';
import { DEEPCSV_SCHEMA } from '../main/engine/schema/index.ts';
import { generateJets } from '../main/engine/synthetic/generator.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'tagscape.js');
const PROBE = path.join(ROOT, 'bench', 'rss-probe.mjs');
const DATA_PAGE_PROBE = path.join(ROOT, 'bench', 'data-page-probe.ts');
const MB = 1e6;

const { values } = parseArgs({
  options: {
    jets: { type: 'string', default: '1000000' },
    epochs: { type: 'string', default: '1' },
    dir: { type: 'string' },
    'in-memory': { type: 'boolean' },
    only: { type: 'string' },
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

const WHOLE = ['train_in_memory', 'inspect_data', 'robustness', 'landscape', 'data_page'];
const ALL = ['cli', 'train_streamed', 'evaluate_streamed', ...WHOLE];
const only = values.only?.split(',').map((x) => x.trim());
const unknown = only?.filter((x) => !ALL.includes(x)) ?? [];
if (unknown.length) throw new Error(`--only takes ${ALL.join(', ')}; not ${unknown.join(', ')}.`);
const wanted = (name: string) => (only ? only.includes(name) : !WHOLE.includes(name) || Boolean(values['in-memory']));

/** One CLI run (or, with `script`, that TypeScript file) in its own process: its JSON result, wall time and peak RSS. */
function measure(args: string[], script?: string): { result: Record<string, unknown> | null; seconds: number; peak_rss_mb: number; ratio_to_raw: number } {
  const rssFile = path.join(dir, `rss-${process.pid}-${Date.now()}.txt`);
  const t0 = performance.now();
  const entry = script ? ['--import', 'tsx', script] : [BIN];
  const r = spawnSync(process.execPath, [...ENGINE_NODE_FLAGS, '--import', PROBE, ...entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAGSCAPE_RSS_OUT: rssFile },
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${script ? path.basename(script) : 'tagscape'} ${args.join(' ')} failed with exit code ${r.status}.`);
  const peak = Number(fs.readFileSync(rssFile, 'utf8'));
  fs.rmSync(rssFile);
  const result = script || args.includes('--json') ? (JSON.parse(r.stdout) as Record<string, unknown>) : null;
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

const trainArgs = (name: string, mode: string) => ['train', '--data', file, mode, '--epochs', String(epochs), '--workspace', ws, '--name', name, '--json'];
const run = (name: string) => path.join(ws, 'runs', name);
if (wanted('train_streamed')) fs.rmSync(run('streamed'), { recursive: true, force: true });
if (wanted('train_in_memory')) fs.rmSync(run('in-memory'), { recursive: true, force: true });
for (const [name, needs] of [['evaluate_streamed', 'streamed'], ['robustness', 'in-memory'], ['landscape', 'in-memory']]) {
  const trained = wanted(needs === 'streamed' ? 'train_streamed' : 'train_in_memory') || fs.existsSync(path.join(run(needs), 'model.bin'));
  if (wanted(name) && !trained) throw new Error(`${name} needs the run "${needs}": measure its training too, or keep --dir from a call that did.`);
}

type Measured = ReturnType<typeof measure>;
const summary = (m: Measured, keys: string[]) => ({
  peak_rss_mb: m.peak_rss_mb,
  ratio_to_raw: m.ratio_to_raw,
  seconds: m.seconds,
  ...Object.fromEntries(keys.map((k) => [k, m.result?.[k] ?? null])),
});
const measured: Record<string, unknown> = {};
const step = (name: string, keys: string[], fn: () => Measured) => {
  if (!wanted(name)) return;
  process.stderr.write(`measuring ${name}\n`);
  measured[name] = summary(fn(), keys);
};
step('cli', [], () => measure(['train', '--help']));
step('train_streamed', ['backend', 'train_jets_per_s', 'test_auc'], () => measure(trainArgs('streamed', '--stream')));
step('evaluate_streamed', ['split', 'jets', 'auc'], () => measure(['evaluate', '--workspace', ws, '--run', 'streamed', '--data', file, '--stream', '--json']));
step('train_in_memory', ['train_jets_per_s', 'test_auc'], () => measure(trainArgs('in-memory', '--in-memory')));
step('inspect_data', ['jets', 'classes'], () => measure(['inspect-data', '--data', file, '--json']));
step('robustness', ['results'], () => {
  fs.rmSync(path.join(run('in-memory'), 'attacks'), { recursive: true, force: true });
  return measure(['robustness', '--workspace', ws, '--run', 'in-memory', '--data', file, '--attacks', 'fgsm', '--eps', '0,0.01', '--json']);
});
step('landscape', ['center_loss'], () =>
  measure(['landscape', '--workspace', ws, '--run', 'in-memory', '--data', file, '--jets', '500', '--directions', 'gradient,random', '--span', '0.05', '--grid', '21', '--json']));
step('data_page', ['jets', 'classes'], () => measure([file, ws], DATA_PAGE_PROBE));

const report = {
  jets: n,
  features: F,
  raw_float32_mb: Math.round(rawBytes / MB),
  file_mb: Math.round(fs.statSync(file).size / MB),
  target_peak_mb: Math.round((1.5 * rawBytes) / MB),
  generate_seconds: Number(generateSeconds.toFixed(1)),
  ...measured,
  platform: `${os.cpus().length} cores, Node ${process.versions.node}`,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
if (!values.keep && !values.dir) fs.rmSync(dir, { recursive: true, force: true });
