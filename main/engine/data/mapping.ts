/**
 * How a file's columns become DeepCSV (or UCI) inputs: the optional mapping file, the label decoding,
 * the NaN/Inf policy and the import report that `inspect-data` prints. The ROOT reader maps NanoAOD
 * branches itself (by name) but shares the report and the NaN/Inf policy defined here.
 *
 * Mapping file (JSON), for tables whose column names differ from the schema's:
 *   {
 *     "schema": "deepcsv",                       optional, default deepcsv
 *     "features": { "pt": "jet_pt", ... },       column -> schema feature; unlisted features are
 *                                                looked for under their schema name
 *     "label": { "column": "flav",               the flavour column and what its values mean
 *                "values": { "5": "b", "55": "bb", "4": "c", "0": "udsg" } },
 *     "weight": "w",                             optional per-jet weight column
 *     "columns": ["pt", "eta", ...]              names of the columns of a plain 2-D .npy array
 *   }
 */
import fs from 'node:fs';
import { getSchema, SCHEMA_NAMES, type FeatureSchema } from '../schema/index.ts';
import type { JetDataset } from './dataset.ts';

export interface DataMapping {
  /** The mapping file as given, for messages, and its exact text (part of the data hash). */
  file: string;
  text: string;
  schema?: string;
  features: Record<string, string>;
  label?: { column: string; values?: Record<string, string> };
  weight?: string;
  columns?: string[];
}

/** A column of a table: numbers (NaN for a missing entry) or text. */
export type TableColumn = Float64Array | string[];

export interface ColumnTable {
  n: number;
  columns: Map<string, TableColumn>;
}

export interface SelectionReport {
  eta_max: number;
  pt_min: number;
  pt_max: number;
  jets_before: number;
  classes_before: Record<string, number>;
  failed_eta: number;
  failed_pt: number;
}

/** What an import did to the file's values; printed by `inspect-data`. */
export interface ImportReport {
  format: 'root' | 'npy' | 'npz' | 'parquet' | 'csv' | 'uci-json';
  /** The column or branch each found schema feature was read from. */
  features_found: Record<string, string>;
  features_missing: string[];
  /** Track slots beyond the jet's track count that held leftovers and were set to the default. */
  reset_slots: number;
  nonfinite_replaced: number;
  nonfinite_by_feature: Record<string, number>;
  /** UCI Jet Flavor only: entries below their feature's default (such as the writer's -1 "no vertex" markers) set to the default, as the paper's code does. */
  below_default_replaced?: number;
  /** The jet selection (ROOT files only: prepared tables are read as they are). */
  selection: SelectionReport | null;
  /** Score branches/columns of existing taggers that `--external` can evaluate. */
  external_taggers: string[];
}

/** An existing tagger's score per jet (the sum of the named branches/columns), aligned with the dataset. */
export interface ExternalScores {
  name: string;
  columns: string[];
  scores: Float64Array;
}

export interface LoadedData {
  data: JetDataset;
  report: ImportReport | null;
  external: ExternalScores[];
}

export interface TableOptions {
  mapping?: DataMapping;
  /** For inspect-data and external-tagger evaluation: fill absent inputs instead of refusing the file. */
  allowMissingFeatures?: boolean;
  external?: string[];
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** Read and check a mapping file against its schema, so a typo is reported before any data are read. */
export function readMapping(file: string): DataMapping {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such mapping file.`);
  const text = fs.readFileSync(file, 'utf8');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file}: the mapping file is not valid JSON; write {"features": {"column": "schema_feature"}, "label": {"column": "...", "values": {...}}}.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: the mapping file must hold a JSON object.`);
  const known = new Set(['schema', 'features', 'label', 'weight', 'columns']);
  const unknown = Object.keys(raw).find((k) => !known.has(k));
  if (unknown) throw new Error(`${file}: unknown mapping key "${unknown}"; known keys are ${[...known].join(', ')}.`);
  if (raw.schema !== undefined && (typeof raw.schema !== 'string' || !(SCHEMA_NAMES as readonly string[]).includes(raw.schema))) {
    throw new Error(`${file}: "schema" must be one of ${SCHEMA_NAMES.join(', ')}.`);
  }
  const schema = getSchema((raw.schema as string | undefined) ?? 'deepcsv');
  const features = raw.features ?? {};
  if (!isStringRecord(features)) throw new Error(`${file}: "features" must map column names to ${schema.name} feature names (strings).`);
  for (const [col, feat] of Object.entries(features)) {
    if (!schema.features.some((f) => f.name === feat)) throw new Error(`${file}: column "${col}" is mapped to "${feat}", which is not a ${schema.name} input.`);
  }
  let label: DataMapping['label'];
  if (raw.label !== undefined) {
    const l = raw.label as Record<string, unknown>;
    if (typeof l !== 'object' || l === null || typeof l.column !== 'string') throw new Error(`${file}: "label" must be {"column": "...", "values": {"value": "class"}}.`);
    if (l.values !== undefined && !isStringRecord(l.values)) throw new Error(`${file}: "label.values" must map column values to class names.`);
    const values = l.values as Record<string, string> | undefined;
    for (const [v, c] of Object.entries(values ?? {})) {
      if (!schema.classes.includes(c)) throw new Error(`${file}: label value "${v}" is mapped to "${c}", which is not a ${schema.name} class (${schema.classes.join(', ')}).`);
    }
    label = { column: l.column, values };
  }
  if (raw.weight !== undefined && typeof raw.weight !== 'string') throw new Error(`${file}: "weight" must name the weight column.`);
  if (raw.columns !== undefined && !(Array.isArray(raw.columns) && raw.columns.every((c) => typeof c === 'string'))) {
    throw new Error(`${file}: "columns" must list the column names of a plain 2-D array.`);
  }
  return { file, text, schema: raw.schema as string | undefined, features, label, weight: raw.weight as string | undefined, columns: raw.columns as string[] | undefined };
}

/**
 * NaN/Inf policy shared by the file readers: an entry of a feature with a default value becomes that
 * default (and is counted); a feature without one (pT, eta, counts) cannot be repaired, so the file is
 * refused. Only found features are checked: absent ones are filled by the caller.
 */
export function replaceNonFinite(
  file: string,
  schema: FeatureSchema,
  features: Float32Array,
  n: number,
  sourceOf: Array<string | null>,
  /** Index of the first row in the file, when `features` holds a block of a larger file. @default 0 */
  rowOffset = 0,
): { replaced: number; byFeature: Record<string, number> } {
  const F = schema.features.length;
  const byFeature: Record<string, number> = {};
  let replaced = 0;
  for (let j = 0; j < F; j++) {
    if (sourceOf[j] === null) continue;
    const spec = schema.features[j];
    let count = 0;
    let first = -1;
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(features[i * F + j])) continue;
      if (first < 0) first = i;
      count++;
      features[i * F + j] = spec.defaultValue;
    }
    if (count === 0) continue;
    if (Number.isNaN(spec.defaultValue)) {
      throw new Error(
        `${file}: ${sourceOf[j]} has ${count} NaN or infinite entries (first at jet ${first + rowOffset}) and ${spec.name} has no default value; drop those jets or fill them before importing.`,
      );
    }
    byFeature[spec.name] = count;
    replaced += count;
  }
  return { replaced, byFeature };
}

/** The schema a mapping names, or the one whose feature names the table carries most of. */
function chooseSchema(has: (column: string) => boolean, mapping?: DataMapping): FeatureSchema {
  if (mapping?.schema) return getSchema(mapping.schema);
  if (mapping) return getSchema('deepcsv');
  let best = getSchema('deepcsv');
  let bestCount = best.features.filter((f) => has(f.name)).length;
  for (const name of SCHEMA_NAMES) {
    const s = getSchema(name);
    const c = s.features.filter((f) => has(f.name)).length;
    if (c > bestCount) [best, bestCount] = [s, c];
  }
  return best;
}

/** Which column each schema input is read from (null: absent), decided from the column names alone. */
export interface ColumnPlan {
  schema: FeatureSchema;
  /** Per schema feature, the column it is read from, or null when the table has none. */
  sourceOf: Array<string | null>;
  missing: string[];
}

export function planColumns(file: string, has: (column: string) => boolean, options: TableOptions): ColumnPlan {
  const { mapping } = options;
  const schema = chooseSchema(has, mapping);
  const byFeature = new Map<string, string>();
  for (const f of schema.features) if (has(f.name)) byFeature.set(f.name, f.name);
  for (const [col, feat] of Object.entries(mapping?.features ?? {})) {
    if (!has(col)) throw new Error(`${file}: has no column "${col}", which the mapping file ${mapping!.file} maps to ${feat}.`);
    byFeature.set(feat, col);
  }
  const F = schema.features.length;
  const sourceOf = schema.features.map((f) => byFeature.get(f.name) ?? null);
  const missing = schema.features.filter((_, j) => sourceOf[j] === null).map((f) => f.name);
  if (missing.length > 0 && !options.allowMissingFeatures) {
    throw new Error(
      `${file}: has no column for ${missing.length} of the ${F} ${schema.name} inputs (first: ${missing[0]}); name the columns as the schema does or map them in a mapping file (--map).`,
    );
  }
  return { schema, sourceOf, missing };
}

/**
 * The n x F inputs of a table (or of a block of a larger one, starting at row `rowOffset`), with the
 * NaN/Inf policy applied; absent inputs hold their default value.
 */
export function tableFeatures(file: string, table: ColumnTable, plan: ColumnPlan, rowOffset = 0): { features: Float32Array; replaced: number; byFeature: Record<string, number> } {
  const { schema, sourceOf } = plan;
  const F = schema.features.length;
  const n = table.n;
  const features = new Float32Array(n * F);
  for (let j = 0; j < F; j++) {
    const src = sourceOf[j];
    if (src === null) {
      // Only inspect-data and external-tagger evaluation get here: never a training input.
      for (let i = 0; i < n; i++) features[i * F + j] = schema.features[j].defaultValue;
      continue;
    }
    const col = numericColumn(file, table, src, schema.features[j].name);
    for (let i = 0; i < n; i++) features[i * F + j] = col[i];
  }
  const names = sourceOf.map((s, j) => (s === null ? null : s === schema.features[j].name ? `column "${s}"` : `column "${s}" (${schema.features[j].name})`));
  return { features, ...replaceNonFinite(file, schema, features, n, names, rowOffset) };
}

/** The weight column's name: the mapping's, else "weight" when the table has one. */
export function weightColumn(has: (column: string) => boolean, mapping?: DataMapping): string | undefined {
  return mapping?.weight ?? (has('weight') ? 'weight' : undefined);
}

/** The label column's name: the mapping's, else "label" or "labels"; undefined when there is none. */
export function labelColumn(has: (column: string) => boolean, mapping?: DataMapping): string | undefined {
  return mapping?.label?.column ?? ['label', 'labels'].find((c) => has(c));
}

/** Per-jet weights from a weight column, refused unless finite and non-negative. */
export function tableWeights(file: string, table: ColumnTable, name: string): Float32Array {
  const w = numericColumn(file, table, name, 'weight');
  const bad = w.findIndex((x) => !(Number.isFinite(x) && x >= 0));
  if (bad >= 0) throw new Error(`${file}: weight column "${name}" has ${w[bad]} at jet ${bad}; weights must be finite and non-negative.`);
  return Float32Array.from(w);
}

function numericColumn(file: string, table: ColumnTable, name: string, role: string): Float64Array {
  const what = name === role ? `column "${name}"` : `column "${name}" (${role})`;
  const col = table.columns.get(name);
  if (!col) throw new Error(`${file}: has no ${what}; check the column names or the mapping file.`);
  if (!(col instanceof Float64Array)) {
    // The readers keep a column as text only when some entry is not a number: show that entry, escaped.
    const bad = col.find((v) => v.trim() !== '' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) ?? col[0];
    throw new Error(`${file}: ${what} holds text such as ${JSON.stringify(bad.slice(0, 40))}, not numbers.`);
  }
  return col;
}

/** Class index per jet from a label column: mapped values, class names, or class indices. */
export function decodeLabels(file: string, table: ColumnTable, schema: FeatureSchema, mapping?: DataMapping): Int32Array {
  const column = labelColumn((c) => table.columns.has(c), mapping);
  if (!column || !table.columns.has(column)) {
    throw new Error(
      `${file}: has no label column; add a "label" column with class names (${schema.classes.join(', ')}) or indices, or name the flavour column in a mapping file.`,
    );
  }
  const col = table.columns.get(column)!;
  const values = mapping?.label?.values;
  const labels = new Int32Array(table.n);
  for (let i = 0; i < table.n; i++) {
    const raw = col[i];
    const key = typeof raw === 'number' ? String(raw) : raw.trim();
    let k = -1;
    if (values) k = key in values ? schema.classes.indexOf(values[key]) : -1;
    else {
      k = schema.classes.indexOf(key);
      const asIndex = Number(key);
      if (k < 0 && key !== '' && Number.isInteger(asIndex) && asIndex >= 0 && asIndex < schema.classes.length) k = asIndex;
    }
    if (k < 0) {
      const what = values
        ? `which the mapping file ${mapping!.file} does not assign to a class; add it under "label"."values"`
        : `which is neither a class name (${schema.classes.join(', ')}) nor a class index 0..${schema.classes.length - 1}; give the values' meaning in a mapping file`;
      throw new Error(`${file}: jet ${i} has label "${key}" in column "${column}", ${what}.`);
    }
    labels[i] = k;
  }
  return labels;
}

/** Per-jet sums of the named score columns ("a+b" sums columns a and b). */
export function externalFromColumns(file: string, n: number, spec: string, get: (name: string) => ArrayLike<number> | null): ExternalScores {
  const columns = spec.split('+').map((s) => s.trim()).filter(Boolean);
  if (columns.length === 0) throw new Error(`"${spec}" names no score column; write e.g. Jet_btagDeepB or Jet_btagDeepB_b+Jet_btagDeepB_bb.`);
  const scores = new Float64Array(n);
  for (const c of columns) {
    const v = get(c);
    if (!v) throw new Error(`${file}: has no score column or branch "${c}" for the external tagger; \`tagscape inspect-data\` lists the ones it has.`);
    for (let i = 0; i < n; i++) scores[i] += v[i];
  }
  return { name: spec, columns, scores };
}

/** A prepared table (NumPy, Parquet, CSV) onto its schema. */
export function tableToDataset(
  file: string,
  format: ImportReport['format'],
  table: ColumnTable,
  options: TableOptions,
): { schema: FeatureSchema; features: Float32Array; labels: Int32Array; weights?: Float32Array; report: ImportReport; external: ExternalScores[] } {
  const { mapping } = options;
  const has = (c: string) => table.columns.has(c);
  const plan = planColumns(file, has, options);
  const { schema, sourceOf, missing } = plan;
  const n = table.n;
  const { features, ...nonfinite } = tableFeatures(file, table, plan);
  const labels = decodeLabels(file, table, schema, mapping);
  const wName = weightColumn(has, mapping);
  const weights = wName ? tableWeights(file, table, wName) : undefined;

  const used = new Set([...sourceOf.filter((c): c is string => c !== null), mapping?.label?.column ?? 'label', 'labels', wName ?? '']);
  const external = (options.external ?? []).map((spec) =>
    externalFromColumns(file, n, spec, (c) => (table.columns.get(c) instanceof Float64Array ? (table.columns.get(c) as Float64Array) : null)),
  );
  const report: ImportReport = {
    format,
    features_found: Object.fromEntries(schema.features.flatMap((f, j) => (sourceOf[j] === null ? [] : [[f.name, sourceOf[j]!]]))),
    features_missing: missing,
    reset_slots: 0,
    nonfinite_replaced: nonfinite.replaced,
    nonfinite_by_feature: nonfinite.byFeature,
    selection: null,
    external_taggers: [...table.columns.entries()].filter(([name, c]) => !used.has(name) && c instanceof Float64Array).map(([name]) => name),
  };
  return { schema, features, labels, weights, report, external };
}
