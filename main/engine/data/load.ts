import fs from 'node:fs';
import path from 'node:path';
import { generateJets, type SyntheticOptions } from '../synthetic/generator.ts';
import type { JetDataset } from './dataset.ts';
import { readJetsH5 } from './h5.ts';

/**
 * Parse "synthetic:N" with optional ":seed=S" and ":fractions=a/b/c/d" parts (the form stored in run
 * configs). Returns null when the spec is not a synthetic one.
 */
export function parseSyntheticSpec(spec: string, defaultSeed = 1): SyntheticOptions | null {
  const m = /^synthetic:(\d+)((?::[a-z]+=[^:]*)*)(?::v\d+)?$/.exec(spec);
  if (!m) {
    if (spec.startsWith('synthetic:')) throw new Error(`"${spec}" is not a synthetic data spec; write synthetic:N with N the number of jets, e.g. synthetic:20000.`);
    return null;
  }
  const opts: SyntheticOptions = { jets: Number(m[1]), seed: defaultSeed };
  for (const part of m[2].split(':').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (k === 'seed') opts.seed = Number(v);
    else if (k === 'fractions') opts.fractions = v.split('/').map(Number) as SyntheticOptions['fractions'];
    else throw new Error(`Unknown option "${k}" in data spec "${spec}".`);
  }
  return opts;
}

/** Load jets from "synthetic:N" or a data file. */
export async function loadData(spec: string, options: { seed?: number } = {}): Promise<JetDataset> {
  const synth = parseSyntheticSpec(spec, options.seed ?? 1);
  if (synth) return generateJets(synth);
  const ext = path.extname(spec).toLowerCase();
  if (!fs.existsSync(spec)) throw new Error(`${spec}: no such file.`);
  if (ext === '.h5' || ext === '.hdf5') return readJetsH5(spec);
  throw new Error(`${spec}: Tagscape reads HDF5 files (.h5, .hdf5) in its own layout and synthetic:N; "${ext || 'no extension'}" is not supported.`);
}
