import path from 'node:path';
import { classCounts } from '../../engine/data/dataset.ts';
import { writeJetsH5 } from '../../engine/data/h5.ts';
import { generateJets, GENERATOR_VERSION } from '../../engine/synthetic/generator.ts';
import { numberList, optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { CliError, makeOut } from '../output.ts';

export const generateCommand: CommandSpec = {
  name: 'generate',
  usage: 'tagscape generate --jets N [--seed S] [--fractions b,bb,c,udsg] --out FILE.h5 [--json]',
  options: {
    jets: { type: 'string' },
    seed: { type: 'string' },
    fractions: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--jets N', 'number of jets'],
    ['--seed S', 'generator seed; the same seed gives identical jets (default 1)'],
    ['--fractions b,bb,c,udsg', 'flavour fractions (default 0.25,0.05,0.15,0.55)'],
    ['--out FILE.h5', 'output file (Tagscape HDF5 layout, written atomically)'],
    ['--json', 'print the summary as JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const jets = optionalNumber(v, 'jets', { integer: true, min: 1 });
    if (jets === undefined) throw new CliError('tagscape generate needs --jets N.', 2);
    const seed = optionalNumber(v, 'seed', { integer: true, min: 0 }) ?? 1;
    const fractions = numberList(v, 'fractions');
    if (fractions && (fractions.length !== 4 || fractions.some((f) => f < 0) || fractions.every((f) => f === 0))) {
      throw new CliError('--fractions needs four non-negative numbers b,bb,c,udsg, not all zero.', 2);
    }
    const file = path.resolve(requireString(v, 'out', 'generate'));
    const t0 = performance.now();
    const data = generateJets({ jets, seed, fractions: fractions as [number, number, number, number] | undefined });
    await writeJetsH5(file, data, { attributes: { generator: data.source.spec, generator_version: String(GENERATOR_VERSION) } });
    const counts = classCounts(data);
    const seconds = (performance.now() - t0) / 1000;
    out.result(
      { out: file, jets, seed, schema: data.schema.name, features: data.schema.features.length, classes: counts, spec: data.source.spec, seconds },
      `wrote ${jets} synthetic jets (${Object.entries(counts).map(([c, n]) => `${c} ${n}`).join(', ')}) to ${file} in ${seconds.toFixed(1)} s`,
    );
    return 0;
  },
};
