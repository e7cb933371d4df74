import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SIZE, figureLabel, type StylePreset } from '../../../shared/charts/style.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadDataWithReport } from '../../engine/data/load.ts';
import { buildFigure, PLOTS, type PlotName } from '../../engine/export/figures.ts';
import { labelData } from '../../engine/export/label-data.ts';
import { renderFigure, type FigureFormat } from '../../engine/export/render.ts';
import type { SurfaceFile } from '../../engine/landscape/run-landscape.ts';
import { writeFileAtomic } from '../../engine/store/atomic.ts';
import { workspaceRuns } from '../../engine/study/seed-group.ts';
import { numberList, optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { attackBase, attackKind } from '../attack-options.ts';
import { CliError, makeOut, type Out } from '../output.ts';

export const exportCommand: CommandSpec = {
  name: 'export',
  usage: 'tagscape export --workspace DIR --run RUN [--run RUN2] [--data FILE] --plot ' + PLOTS.join('|') + ' --format pdf|svg|png [--style cms|atlas|plain] --out FILE',
  options: {
    workspace: { type: 'string' },
    run: { type: 'string', multiple: true },
    data: { type: 'string' },
    plot: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    style: { type: 'string' },
    status: { type: 'string' },
    'sqrt-s': { type: 'string' },
    'right-label': { type: 'string' },
    text: { type: 'string', multiple: true },
    discriminant: { type: 'string' },
    dpi: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    attack: { type: 'string' },
    eps: { type: 'string' },
    attacks: { type: 'string' },
    'eps-list': { type: 'string' },
    feature: { type: 'string' },
    external: { type: 'string', multiple: true },
    jet: { type: 'string' },
    jets: { type: 'string' },
    surface: { type: 'string' },
    scan: { type: 'string' },
    directions: { type: 'string' },
    span: { type: 'string' },
    grid: { type: 'string' },
    steps: { type: 'string' },
    'log-colour': { type: 'boolean' },
    'physical-axes': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: [
    ['--plot NAME', PLOTS.join(', ')],
    ['--format pdf|svg|png', 'vector PDF (text extractable), SVG with <text>, or PNG'],
    ['--out FILE', 'output file (written atomically)'],
    ['--style cms|atlas|plain', 'experiment label and conventions (atlas draws ROC as rejection); default a neutral "Tagscape synthetic jets" / "Tagscape Private work" label with no sqrt(s)'],
    ['--status TEXT', 'label status, e.g. "Simulation Preliminary" or "Private work (CMS simulation)" (asks for the CMS label unless --style atlas)'],
    ['--sqrt-s TEV, --right-label TEXT', 'right-hand label (default "(13 TeV)" with --style cms|atlas, none otherwise)'],
    ['--text LINE', 'sample/selection text inside the plot (repeat for several lines)'],
    ['--discriminant D', 'BvL, BvC, CvB or CvL (default BvL)'],
    ['--dpi N', 'PNG resolution (default 300)'],
    ['--width PT, --height PT', 'figure size in points (default 600 x 450)'],
    ['--attack KIND --eps E', 'attack overlaid (roc) or shown (shapes, inputs, inspect); default fgsm 0.05 where needed'],
    ['--attacks LIST --eps-list LIST', 'robustness: attacks and eps grid'],
    ['--feature NAME', 'inputs: which input (default: the one the attack changed most, by JS divergence)'],
    ['--external BRANCH', 'roc: an existing tagger\'s b score in the data file (e.g. Jet_btagDeepB), drawn as BvL; repeatable'],
    ['--jet J', 'inspect / landscape: row index of the jet'],
    ['--surface FILE.json', 'landscape: draw a stored surface (from `tagscape landscape --out`)'],
    ['--scan NAME', 'robustness: a scan\'s mean ± sd over seeds with bands (`tagscape scan collect`), instead of --run'],
    ['--directions D1,D2 --span S --grid G --jets N', 'landscape: compute the surface'],
    ['--log-colour', 'landscape: colours and contours in log loss (focal-loss maps reach 1e-6)'],
    ['--physical-axes', 'landscape: input axes in physical units (the jet\'s value, or the shift of an averaged map)'],
    ['--json', 'print {"out", "format", "bytes", ...} on stdout'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const plot = requireString(v, 'plot', 'export') as PlotName;
    if (!PLOTS.includes(plot)) throw new CliError(`--plot must be one of ${PLOTS.join(', ')}, not "${plot}".`, 2);
    const format = (v.format as string | undefined) ?? path.extname(String(v.out ?? '')).slice(1);
    if (!['pdf', 'svg', 'png'].includes(format)) throw new CliError('--format must be pdf, svg or png.', 2);
    const style = v.style as StylePreset | undefined;
    if (style !== undefined && !['cms', 'atlas', 'plain'].includes(style)) throw new CliError(`--style must be cms, atlas or plain, not "${style}".`, 2);
    const file = path.resolve(requireString(v, 'out', 'export'));
    const workspace = path.resolve(String(v.workspace ?? '.'));
    // A seed group's name stands for all its runs (the robustness figure then draws mean ± sd bands).
    const runs = workspaceRuns(workspace, (v.run as string[] | undefined) ?? []);
    const externalNames = (v.external as string[] | undefined) ?? [];
    if (v.scan !== undefined) return exportScan(v, out, { plot, format, style, file, workspace });
    if (runs.length === 0 && !v.surface && externalNames.length === 0) throw new CliError('tagscape export needs at least one --run (or --external for a ROC).', 2);
    const backend = await initBackend();
    out.note(`backend: ${backend.name}`);
    let data;
    let external: Array<{ label: string; scores: Float64Array }> = [];
    if (v.data) {
      const loaded = await loadDataWithReport(String(v.data), { external: externalNames.length ? externalNames : undefined, allowMissingFeatures: runs.length === 0 });
      data = loaded.data;
      external = loaded.external.map((e, i) => ({ label: externalNames[i], scores: e.scores }));
    } else if (externalNames.length) {
      throw new CliError('--external needs --data, the file holding the score.', 2);
    }
    let surface: SurfaceFile | undefined;
    if (v.surface) {
      try {
        surface = JSON.parse(fs.readFileSync(String(v.surface), 'utf8')) as SurfaceFile;
      } catch (e) {
        throw new CliError(`${v.surface}: cannot read the surface (${(e as Error).message.split('\n')[0]}); write one with \`tagscape landscape --out\`.`);
      }
    }
    const eps = optionalNumber(v, 'eps', { min: 0 });
    const size = { width: optionalNumber(v, 'width', { min: 100 }) ?? DEFAULT_SIZE.width, height: optionalNumber(v, 'height', { min: 100 }) ?? DEFAULT_SIZE.height };
    const figure = await buildFigure({
      plot, workspace, runs: runs.length || !surface ? runs : [surface.run], data, external,
      label: figureLabel({ style, status: v.status as string | undefined, sqrtS: optionalNumber(v, 'sqrt-s'), right: v['right-label'] as string | undefined, lines: v.text as string[] | undefined }, labelData(workspace, runs, data)),
      discriminant: v.discriminant as string | undefined,
      attack: v.attack ? { ...attackBase(v), kind: attackKind(v.attack), eps: eps ?? 0.05 } : undefined,
      attacks: v.attacks ? String(v.attacks).split(',').map((a) => attackKind(a.trim(), '--attacks')) : undefined,
      eps: numberList(v, 'eps-list'),
      feature: v.feature as string | undefined,
      jet: optionalNumber(v, 'jet', { integer: true, min: 0 }),
      jets: optionalNumber(v, 'jets', { integer: true, min: 1 }),
      surface,
      directions: v.directions ? String(v.directions).split(',') : undefined,
      span: optionalNumber(v, 'span', { min: 0 }),
      grid: optionalNumber(v, 'grid', { integer: true, min: 2 }),
      logScale: v['log-colour'] === true,
      physicalAxes: v['physical-axes'] === true,
      size,
    });
    const bytes = await renderFigure(figure.option, format as FigureFormat, { ...size, dpi: optionalNumber(v, 'dpi', { integer: true, min: 10 }), title: figure.title });
    writeFileAtomic(file, bytes);
    out.result({ out: file, plot, format, style: style ?? 'neutral', bytes: bytes.length, title: figure.title }, `wrote ${figure.title} (${format}, ${bytes.length} bytes) to ${file}`);
    return 0;
  },
};

/** `--plot robustness --scan NAME`: the figure `tagscape scan collect` draws, from the scan's finished tasks. */
async function exportScan(v: Record<string, unknown>, out: Out, o: { plot: PlotName; format: string; style?: StylePreset; file: string; workspace: string }): Promise<number> {
  if (o.plot !== 'robustness') throw new CliError('--scan draws a scan\'s robustness curves: use it with --plot robustness.', 2);
  if (v.run !== undefined) throw new CliError('--scan takes the runs of the scan; drop --run.', 2);
  const [{ ScanStore }, { collectScan, scanLabel, scanRobustnessChart }] = await Promise.all([import('../../engine/scan/store.ts'), import('../../engine/scan/collect.ts')]);
  const summary = collectScan(new ScanStore(o.workspace, String(v.scan)));
  const size = { width: optionalNumber(v, 'width', { min: 100 }) ?? DEFAULT_SIZE.width, height: optionalNumber(v, 'height', { min: 100 }) ?? DEFAULT_SIZE.height };
  const disc = (v.discriminant as string | undefined) ?? 'BvL';
  const label = scanLabel(summary, o.style, { status: v.status as string | undefined, sqrtS: optionalNumber(v, 'sqrt-s'), right: v['right-label'] as string | undefined, lines: v.text as string[] | undefined });
  const attacks = v.attacks ? String(v.attacks).split(',').map((a) => attackKind(a.trim(), '--attacks')) : undefined;
  const title = `scan ${summary.scan}: ${disc} AUC vs eps`;
  const option = scanRobustnessChart(summary, { discriminant: disc, attacks, label, size });
  const bytes = await renderFigure(option, o.format as FigureFormat, { ...size, dpi: optionalNumber(v, 'dpi', { integer: true, min: 10 }), title });
  writeFileAtomic(o.file, bytes);
  out.result({ out: o.file, plot: o.plot, format: o.format, style: o.style ?? 'neutral', bytes: bytes.length, title, scan: summary.scan, complete: summary.complete, tasks: summary.tasks }, `wrote ${title} (${o.format}, ${bytes.length} bytes) to ${o.file}`);
  return 0;
}
