#!/usr/bin/env node
// `npm run bench:peer [-- --jets N ...]`: the same workloads in Tagscape and in the PyTorch peer
// (../shared/bench/torch_deepcsv.py), one after the other, and the ratios Tagscape / peer, with the backend,
// kernel path and thread count of Tagscape (TAGSCAPE_THREADS, default the cores) and the BLAS the peer's
// torch really uses. The workload is the peer's own default (200k jets, 2 epochs, batch 1024, a 51 x 51
// surface over 2000 jets); the peer runs on one thread (the comparison) unless --peer-threads N.
// Needs /usr/bin/python3 with torch (apt-get install python3-torch); says so and stops otherwise.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const peer = path.resolve(root, '..', 'shared', 'bench', 'torch_deepcsv.py');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const common = ['--jets', opt('jets', '200000'), '--epochs', opt('epochs', '2'), '--batch', opt('batch', '1024'), '--grid', opt('grid', '51'), '--surface-jets', opt('surface-jets', '2000')];

if (!fs.existsSync(peer)) {
  console.error(`bench:peer: the peer script ${peer} is not beside this checkout.`);
  process.exit(1);
}
if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench:peer: /usr/bin/python3 has no torch; install it with `apt-get install -y python3-torch`.');
  process.exit(1);
}
const run = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
// `--rounds R` alternates the two R times and reports the median of each side: on a machine other jobs
// load, one pair of runs can catch very different loads.
const rounds = Number(opt('rounds', '1'));
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`bench:peer: --rounds must be a positive integer, not ${opt('rounds')}.`);
  process.exit(1);
}
const oursRuns = [];
const theirRuns = [];
for (let r = 0; r < rounds; r++) {
  // Through its shebang, as the installed `tagscape` command runs (with the engine's V8 flags, main/engine/node-flags.ts).
  oursRuns.push(run(path.join(root, 'bin', 'tagscape.js'), ['bench', ...common, '--json']));
  theirRuns.push(run('/usr/bin/python3', [peer, ...common, '--threads', opt('peer-threads', '1')]));
}
const keys = ['train_nominal_jets_per_s', 'train_fgsm_jets_per_s', 'fgsm_attack_jets_per_s', 'surface_points_per_s'];
const median = (runs) => {
  const out = { ...runs[0] };
  for (const k of keys) {
    const v = runs.map((x) => x[k]).sort((a, b) => a - b);
    out[k] = v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  }
  return out;
};
const ours = median(oursRuns);
const theirs = median(theirRuns);
const ratios = Object.fromEntries(keys.map((k) => [k, Number((ours[k] / theirs[k]).toFixed(3))]));
const blas = [theirs.blas, theirs.blas_version, theirs.blas_architecture].filter(Boolean).join(' ');
const names = { train_nominal_jets_per_s: 'nominal training', train_fgsm_jets_per_s: 'FGSM training', fgsm_attack_jets_per_s: 'FGSM attack', surface_points_per_s: '2D surface' };
console.log(`Tagscape: backend ${ours.backend}, kernels ${ours.kernels}, ${ours.threads} thread(s); peer: ${theirs.peer}, ${theirs.threads} thread(s), BLAS ${blas || 'unknown'}`);
for (const k of keys) console.log(`${names[k].padEnd(17)} ${String(ours[k]).padStart(9)} vs ${String(theirs[k]).padStart(9)}  ratio ${ratios[k]}`);
if (rounds > 1) console.log(`(medians of ${rounds} alternating rounds)`);
console.log(JSON.stringify({ tagscape: ours, peer: theirs, ratio: ratios, rounds: { tagscape: oursRuns, peer: theirRuns } }, null, 2));
