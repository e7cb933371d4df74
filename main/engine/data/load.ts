import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateJets, type SyntheticOptions } from '../synthetic/generator.ts';
import { readCsv } from './csv.ts';
import type { DataSource, JetDataset } from './dataset.ts';
import { readJetsH5 } from './h5.ts';
import { readMapping, tableToDataset, type ColumnTable, type ImportReport, type LoadedData } from './mapping.ts';
import { readNpy, readNpz } from './npy.ts';
import { readParquet } from './parquet.ts';
import type { JetSelection } from './root.ts';
import { readUciJson } from './uci-json.ts';

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
    if (k === 'seed') {
      if (!/^\d+$/.test(v)) throw new Error(`The seed in data spec "${spec}" must be a whole number, e.g. synthetic:20000:seed=7.`);
      opts.seed = Number(v);
    } else if (k === 'fractions') {
      const f = v.split('/').map(Number);
      if (f.length !== 4 || !f.every((x) => Number.isFinite(x) && x >= 0) || !(f.reduce((a, b) => a + b, 0) > 0)) {
        throw new Error(`The fractions in data spec "${spec}" must be four non-negative numbers b/bb/c/udsg, e.g. fractions=0.25/0.05/0.15/0.55.`);
      }
      opts.fractions = f as SyntheticOptions['fractions'];
    } else throw new Error(`Unknown option "${k}" in data spec "${spec}".`);
  }
  return opts;
}

export interface LoadOptions {
  seed?: number;
  /** Mapping file (JSON) naming a table's columns; see mapping.ts. */
  map?: string;
  /** ROOT files: the jet selection (defaults |eta| < 2.5, 20 < pT < 1000 GeV). */
  selection?: Partial<JetSelection>;
  /** Score branches or columns of existing taggers to return beside the jets ("a+b" sums two). */
  external?: string[];
  /** inspect-data and external-tagger evaluation only: fill absent inputs with their defaults instead of refusing. */
  allowMissingFeatures?: boolean;
}

const TABLE_READERS: Record<string, { format: ImportReport['format']; kind: DataSource['kind'] }> = {
  '.npy': { format: 'npy', kind: 'npy' },
  '.npz': { format: 'npz', kind: 'npz' },
  '.parquet': { format: 'parquet', kind: 'parquet' },
  '.csv': { format: 'csv', kind: 'csv' },
};

const SUPPORTED = '.h5/.hdf5 (Tagscape layout), .root (CMS NanoAOD/PFNano), .npy/.npz, .parquet, .csv, .json.gz/.json (UCI Jet Flavor), or synthetic:N';

/** Load jets from "synthetic:N" or a data file. */
export async function loadData(spec: string, options: LoadOptions = {}): Promise<JetDataset> {
  return (await loadDataWithReport(spec, options)).data;
}

/** Jets plus what the import did (defaults, resets, NaN replacements, selection) and any external scores. */
export async function loadDataWithReport(spec: string, options: LoadOptions = {}): Promise<LoadedData> {
  const synth = parseSyntheticSpec(spec, options.seed ?? 1);
  if (synth) return plain(generateJets(synth), options);
  // The UCI data set comes as dataset.json.gz: both extensions name the format.
  const ext = /\.json\.gz$/i.test(spec) ? '.json.gz' : path.extname(spec).toLowerCase();
  if (!fs.existsSync(spec)) throw new Error(`${spec}: no such file.`);
  if (fs.statSync(spec).isDirectory()) throw new Error(`${spec}: is a folder; give a data file (${SUPPORTED}).`);
  if (options.map && !(ext in TABLE_READERS)) {
    throw new Error(`${options.map}: mapping files name the columns of .npy/.npz, .parquet and .csv tables; ${ext || 'this'} files are read by their own names.`);
  }
  if (ext === '.h5' || ext === '.hdf5') return plain(await readJetsH5(spec), options);
  if (ext === '.root') {
    const { readRoot } = await import('./root.ts');
    return readRoot(spec, { selection: options.selection, external: options.external, allowMissingFeatures: options.allowMissingFeatures });
  }
  if (ext === '.json.gz' || ext === '.json') return readUciJson(spec, { external: options.external });
  const reader = TABLE_READERS[ext];
  if (!reader) throw new Error(`${spec}: Tagscape reads ${SUPPORTED}; "${ext || 'no extension'}" is not one of them.`);
  return readTable(spec, reader, options);
}

/** Formats without an import report: still refuse external-tagger requests rather than ignore them. */
function plain(data: JetDataset, options: LoadOptions): LoadedData {
  if (options.external?.length) throw new Error(`${data.source.spec}: holds no external tagger scores; --external needs a ROOT, NumPy, Parquet or CSV file.`);
  return { data, report: null, external: [] };
}

async function readTable(spec: string, reader: { format: ImportReport['format']; kind: DataSource['kind'] }, options: LoadOptions): Promise<LoadedData> {
  const abs = path.resolve(spec);
  const mapping = options.map ? readMapping(options.map) : undefined;
  const bytes = new Uint8Array(fs.readFileSync(abs));
  if (bytes.length === 0) throw new Error(`${spec}: the file is empty; copy or export it again.`);
  let table: ColumnTable;
  if (reader.format === 'npy') table = readNpy(spec, bytes, mapping);
  else if (reader.format === 'npz') table = readNpz(spec, bytes, mapping);
  else if (reader.format === 'parquet') table = await readParquet(spec, bytes);
  else table = readCsv(spec, bytes);
  if (table.n === 0) throw new Error(`${spec}: holds no jets (no rows).`);
  const t = tableToDataset(spec, reader.format, table, { mapping, allowMissingFeatures: options.allowMissingFeatures, external: options.external });
  // The hash covers the mapping too: the same file read through another mapping is other data.
  const h = crypto.createHash('sha256').update(bytes);
  if (mapping) h.update(mapping.text);
  const source: DataSource = { spec: abs, hash: h.digest('hex'), kind: reader.kind, ...(mapping ? { mapping: path.resolve(mapping.file) } : {}) };
  return { data: { schema: t.schema, n: table.n, features: t.features, labels: t.labels, weights: t.weights, source }, report: t.report, external: t.external };
}
