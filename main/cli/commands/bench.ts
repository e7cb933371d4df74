import { initBackend } from '../../engine/backend.ts';
import { DEFAULT_BENCH, runBench } from '../../engine/bench/bench.ts';
import { optionalNumber, type CommandSpec } from '../args.ts';
import { makeOut } from '../output.ts';

export const benchCommand: CommandSpec = {
  name: 'bench',
  usage: 'tagscape bench [--jets N] [--epochs E] [--batch B] [--grid G] [--surface-jets S] [--json]',
  options: {
    jets: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, grid: { type: 'string' }, 'surface-jets': { type: 'string' }, json: { type: 'boolean' },
  },
  help: [
    ['--jets N', `toy jets (default ${DEFAULT_BENCH.jets})`],
    ['--epochs E', `training epochs per model (default ${DEFAULT_BENCH.epochs})`],
    ['--batch B', `batch size (default ${DEFAULT_BENCH.batch})`],
    ['--grid G', `surface points per axis (default ${DEFAULT_BENCH.grid})`],
    ['--surface-jets S', `jets averaged in the surface (default ${DEFAULT_BENCH.surfaceJets})`],
    ['--json', 'one JSON line with the peer\'s keys'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const r = await runBench({
      jets: optionalNumber(v, 'jets', { integer: true, min: 1024 }), epochs: optionalNumber(v, 'epochs', { integer: true, min: 1 }),
      batch: optionalNumber(v, 'batch', { integer: true, min: 1 }), grid: optionalNumber(v, 'grid', { integer: true, min: 2 }),
      surfaceJets: optionalNumber(v, 'surface-jets', { integer: true, min: 1 }),
    });
    for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
    out.result(r, Object.entries(r).map(([k, x]) => `${k}: ${x}`).join('\n'));
    return 0;
  },
};
