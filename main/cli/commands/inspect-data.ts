import fs from 'node:fs';
import { classCounts } from '../../engine/data/dataset.ts';
import { loadDataWithReport } from '../../engine/data/load.ts';
import { openJets } from '../../engine/data/open.ts';
import { forEachBlock, memorySource } from '../../engine/data/source.ts';
import { defaultValues32 } from '../../engine/preprocess/defaults.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { fmt, makeOut } from '../output.ts';

/**
 * What Tagscape makes of a data file before anything is trained on it: jets and flavours after the
 * selection, which inputs were found, how often they sit at their default, and what had to be repaired.
 */
export const inspectDataCommand: CommandSpec = {
  name: 'inspect-data',
  usage: 'tagscape inspect-data --data FILE [--map MAPPING.json] [--eta-max 2.5] [--pt-min 20] [--pt-max 1000] [--json]',
  options: {
    data: { type: 'string' },
    map: { type: 'string' },
    'eta-max': { type: 'string' },
    'pt-min': { type: 'string' },
    'pt-max': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--data FILE', '.root (NanoAOD/PFNano Events tree), .npy/.npz, .parquet, .csv, .h5, .json.gz (UCI Jet Flavor) or synthetic:N'],
    ['--map MAPPING.json', 'tables only: column -> schema feature, the label column and its values -> classes'],
    ['--eta-max 2.5', 'ROOT files: keep jets with |eta| below this'],
    ['--pt-min 20', 'ROOT files: keep jets with pT (GeV) above this'],
    ['--pt-max 1000', 'ROOT files: keep jets with pT (GeV) below this'],
    ['--json', 'print the result as JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const spec = requireString(v, 'data', 'inspect-data');
    const selection = {
      ...(v['eta-max'] !== undefined ? { etaMax: optionalNumber(v, 'eta-max', { min: 0 }) } : {}),
      ...(v['pt-min'] !== undefined ? { ptMin: optionalNumber(v, 'pt-min', { min: 0 }) } : {}),
      ...(v['pt-max'] !== undefined ? { ptMax: optionalNumber(v, 'pt-max', { min: 0 }) } : {}),
    };
    // An HDF5 file has no import report to give: its jets are counted a block at a time, not loaded whole.
    const streamed = /\.(h5|hdf5)$/i.test(spec) && fs.existsSync(spec) && fs.statSync(spec).isFile();
    const loaded = streamed ? null : await loadDataWithReport(spec, { map: v.map as string | undefined, selection, allowMissingFeatures: true });
    const data = loaded ? memorySource(loaded.data) : await openJets(spec, { stream: true, map: v.map as string | undefined });
    const report = loaded?.report ?? null;
    const F = data.schema.features.length;
    const found = report ? new Set(Object.keys(report.features_found)) : new Set(data.schema.features.map((f) => f.name));
    // Defaults are counted over the found inputs that have one: pT, eta and the counts never do.
    const withDefault = data.schema.features.map((f, j) => (found.has(f.name) && !Number.isNaN(f.defaultValue) ? j : -1)).filter((j) => j >= 0);
    let atDefault = 0;
    // Compared in float32, the precision the jets are held in (UCI defaults such as -0.001 are not exact floats).
    const defs = defaultValues32(data.schema);
    try {
      await forEachBlock(data, (_, block) => {
        for (let i = 0; i < block.length / F; i++) for (const j of withDefault) if (block[i * F + j] === defs[j]) atDefault++;
      });
    } finally {
      await data.close();
    }
    const entries = data.n * withDefault.length;
    const result = {
      data: data.source.spec,
      format: report?.format ?? data.source.kind,
      schema: data.schema.name,
      jets: data.n,
      classes: classCounts(data),
      features_found: found.size,
      features_missing: report?.features_missing ?? [],
      defaults_fraction: entries > 0 ? atDefault / entries : null,
      reset_slots: report?.reset_slots ?? 0,
      nonfinite_replaced: report?.nonfinite_replaced ?? 0,
      nonfinite_by_feature: report?.nonfinite_by_feature ?? {},
      below_default_replaced: report?.below_default_replaced ?? 0,
      selection: report?.selection ?? null,
      external_taggers: report?.external_taggers ?? [],
      hash: data.source.hash,
    };
    const sel = result.selection;
    const lines = [
      `${result.data} (${result.format}, ${result.schema} schema)`,
      `  jets: ${data.n}  ${Object.entries(result.classes).map(([c, k]) => `${c} ${k}`).join(', ')}`,
      ...(sel
        ? [`  selection |eta| < ${sel.eta_max}, ${sel.pt_min} < pT < ${sel.pt_max} GeV: ${sel.jets_before} jets before, ${sel.failed_eta} failed eta, ${sel.failed_pt} failed pT`]
        : []),
      `  inputs found: ${result.features_found} of ${F}${result.features_missing.length ? `; missing: ${result.features_missing.join(', ')}` : ''}`,
      `  entries at their default value: ${fmt(result.defaults_fraction, 3)}`,
      `  leftover track slots reset: ${result.reset_slots}; NaN/Inf entries set to the default: ${result.nonfinite_replaced}${report?.below_default_replaced !== undefined ? `; entries below their default set to it: ${result.below_default_replaced}` : ''}`,
      ...(result.external_taggers.length ? [`  external tagger scores (--external): ${result.external_taggers.join(', ')}`] : []),
    ];
    out.result(result, lines.join('\n'));
    return 0;
  },
};
