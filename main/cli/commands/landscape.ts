import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { openForRows } from '../../engine/data/whole.ts';
import { computeLandscape, needsAllJets, surfaceCsv } from '../../engine/landscape/run-landscape.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../engine/store/atomic.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { bar, CliError, makeOut } from '../output.ts';
import { LANDSCAPE_GRID_MAX } from '../../../shared/landscape-limits.ts';
import { extent } from '../../../shared/charts/ranges.ts';

export const landscapeCommand: CommandSpec = {
  name: 'landscape',
  usage: 'tagscape landscape --workspace DIR --run RUN [--run RUN2] --data FILE|synthetic:N (--jet J | --jets N [--class C]) (--features A,B | --directions D1,D2) [--span S] [--grid G] [--out FILE.json] [--csv FILE.csv] [--json]',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string', multiple: true },
    data: { type: 'string' },
    jet: { type: 'string' },
    jets: { type: 'string' },
    class: { type: 'string' },
    features: { type: 'string' },
    directions: { type: 'string' },
    span: { type: 'string' },
    grid: { type: 'string' },
    normalisation: { type: 'string' },
    seed: { type: 'string' },
    'move-frozen': { type: 'boolean' },
    out: { type: 'string' },
    csv: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--workspace DIR', 'workspace folder'],
    ['--run RUN', 'run(s); directions come from the first and are shared by all'],
    ['--data FILE|synthetic:N', 'jets'],
    ['--jet J', 'one jet: its row index in the data file (as in scores.csv)'],
    ['--jets N', 'average over the first N evaluation jets (default 500)'],
    ['--class C', 'only jets of class C (b, bb, c, udsg)'],
    ['--features A,B', 'scan along two named inputs, offsets in sigma (the paper)'],
    ['--directions D1,D2', 'fgsm, gradient, hessian, random (orthogonal to D1), pcaK, or input names; one for a 1D profile'],
    ['--span S', 'half-width of the scan (default 1): the paper\'s total widths of 1 and 0.01 sigma are --span 0.5 and 0.005'],
    ['--grid G', `points per axis, up to ${LANDSCAPE_GRID_MAX} (default 51; the paper's per-jet maps are 500 x 500)`],
    ['--normalisation linf|l2|sigma', 'direction normalisation (default linf; sigma for features)'],
    ['--seed S', 'seed of random directions (default 1)'],
    ['--move-frozen', 'let directions move integer inputs and default entries too'],
    ['--out FILE.json', 'write the surface with all metadata'],
    ['--csv FILE.csv', 'write run,a,b,loss rows'],
    ['--json', 'print the surface JSON on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'landscape'));
    const runs = (v.run as string[] | undefined) ?? [];
    if (runs.length === 0) throw new CliError('tagscape landscape needs at least one --run.', 2);
    if (v.features && v.directions) throw new CliError('Give either --features or --directions, not both.', 2);
    const dirText = (v.features ?? v.directions) as string | undefined;
    if (!dirText) throw new CliError('tagscape landscape needs --features A,B or --directions D1,D2.', 2);
    const norm = v.normalisation as string | undefined;
    if (norm !== undefined && !['linf', 'l2', 'sigma'].includes(norm)) throw new CliError(`--normalisation must be linf, l2 or sigma, not "${norm}".`, 2);
    if (v.jet !== undefined && v.jets !== undefined) throw new CliError('Give either --jet J or --jets N, not both.', 2);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    const directions = dirText.split(',').map((s) => s.trim());
    // Only the scanned jets are read from an HDF5 or Parquet file; principal axes need the training jets whole.
    const data = await openForRows(requireString(v, 'data', 'landscape'), { purpose: 'a loss surface', whole: needsAllJets(directions) });
    const surface = await computeLandscape({
      workspace, runs, data, directions,
      jet: optionalNumber(v, 'jet', { integer: true, min: 0 }),
      jets: optionalNumber(v, 'jets', { integer: true, min: 1 }),
      className: v.class as string | undefined,
      span: optionalNumber(v, 'span', { min: 0 }),
      grid: optionalNumber(v, 'grid', { integer: true, min: 1 }),
      normalisation: norm as 'linf' | 'l2' | 'sigma' | undefined,
      seed: optionalNumber(v, 'seed', { integer: true, min: 0 }),
      moveFrozen: Boolean(v['move-frozen']),
      onProgress: (f) => out.progress.update(`${bar(f)} ${(100 * f).toFixed(0)}%`),
    }).finally(() => data.close());
    if (v.out) writeJsonAtomic(path.resolve(String(v.out)), surface);
    if (v.csv) writeFileAtomic(path.resolve(String(v.csv)), surfaceCsv(surface));
    const grid = `${surface.axes[0].offsets.length} x ${surface.axes[1]?.offsets.length ?? 1}`;
    out.result(
      surface,
      [
        `loss surface (${grid}) along ${surface.axes.map((a) => a.name).join(' x ')} over ${surface.jets.length} jet(s), ${surface.seconds.toFixed(1)} s`,
        ...surface.surfaces.map((s) => {
          // No spread into Math.min: a 501 x 501 map has more values than the call stack takes; toPrecision keeps focal losses of 1e-6 readable.
          const [lo, hi] = extent(s.loss.flat());
          return `  ${s.run}: centre ${s.center_loss.toPrecision(5)}, min ${lo.toPrecision(5)}, max ${hi.toPrecision(5)}`;
        }),
        ...(v.out ? [`  wrote ${path.resolve(String(v.out))}`] : []),
      ].join('\n'),
    );
    return 0;
  },
};
