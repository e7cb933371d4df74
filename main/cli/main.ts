/** Entry of the `tagscape` command line: dispatch, help, and one-sentence errors. */
import { commandHelp, parseCommand, type CommandSpec } from './args.ts';
import { CliError } from './output.ts';
import { TAGSCAPE_VERSION } from '../engine/version.ts';

interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CommandSpec>;
}

// A command's module (and the engine parts it needs) loads only when that command runs: `tagscape train`
// never loads the exporter, PDF writer or server, which keeps start-up quick and memory for big files low.
export const COMMANDS: CommandEntry[] = [
  { name: 'generate', summary: 'write seeded synthetic DeepCSV-schema jets to an HDF5 file', load: async () => (await import('./commands/generate.ts')).generateCommand },
  { name: 'train', summary: 'train a DeepCSV-like tagger into a workspace run (or resume one)', load: async () => (await import('./commands/train.ts')).trainCommand },
  { name: 'evaluate', summary: 'ROC, AUC, working points and confusion matrix of a run on jets', load: async () => (await import('./commands/evaluate.ts')).evaluateCommand },
  { name: 'runs', summary: 'list the runs of a workspace with status and key metrics', load: async () => (await import('./commands/runs.ts')).runsCommand },
  { name: 'attack', summary: 'attack a run\'s inputs (FGSM, NGM, PGD, noise, shift) and measure what it costs', load: async () => (await import('./commands/attack.ts')).attackCommand },
  { name: 'robustness', summary: 'AUC versus eps per attack and run, and the worst case over attacks', load: async () => (await import('./commands/robustness.ts')).robustnessCommand },
  { name: 'landscape', summary: 'loss surface in input space around one jet or averaged over jets (1D/2D, shared directions across runs)', load: async () => (await import('./commands/landscape.ts')).landscapeCommand },
  { name: 'curvature', summary: 'input-gradient norm, top Hessian eigenvalue and loss range in the eps-box, per jet and run', load: async () => (await import('./commands/curvature.ts')).curvatureCommand },
  { name: 'inspect-data', summary: 'jets, flavours, inputs found and repairs of a data file (ROOT, NumPy, Parquet, CSV, HDF5, UCI JSON)', load: async () => (await import('./commands/inspect-data.ts')).inspectDataCommand },
  { name: 'export', summary: 'publication figures (PDF vector, SVG, PNG at a dpi) in CMS, ATLAS or plain style', load: async () => (await import('./commands/export.ts')).exportCommand },
  { name: 'study', summary: 'the paper\'s study end to end: nominal and FGSM-trained taggers, robustness, loss surfaces, curvature, figures and report.html', load: async () => (await import('./commands/study.ts')).studyCommand },
  { name: 'scan', summary: 'training grids over modes, eps, seeds and options on this machine, SLURM or HTCondor, collected as mean ± sd over seeds', load: async () => (await import('./commands/scan.ts')).scanCommand },
  { name: 'serve', summary: 'serve the Tagscape UI and API on 127.0.0.1 with a per-launch token (remote hosts: use an SSH tunnel)', load: async () => (await import('./commands/serve.ts')).serveCommand },
  { name: 'doctor', summary: 'what this installation runs on: tensor backend (and why not native TensorFlow), Electron binary, data formats, workspace', load: async () => (await import('./commands/doctor.ts')).doctorCommand },
  { name: 'bench', summary: 'the PyTorch peer\'s workloads (../shared/bench/torch_deepcsv.py) on the active backend; `npm run bench:peer` runs both', load: async () => (await import('./commands/bench.ts')).benchCommand },
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `tagscape ${TAGSCAPE_VERSION} — jet-flavour taggers, adversarial attacks and input-space loss surfaces`,
    '',
    'usage: tagscape <command> [options]      (tagscape <command> --help for its options)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'environment: TAGSCAPE_BACKEND=tensorflow|wasm|cpu forces a tensor backend; TAGSCAPE_DEBUG=1 shows stack traces.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v') {
    // Which backend the jobs would compute on matters as much as the version (a tenth of the speed on wasm).
    const { describeBackend } = await import('../engine/backend.ts');
    const { engineInfo } = await import('../engine/engine-info.ts');
    process.stdout.write(`tagscape ${TAGSCAPE_VERSION}\nbackend: ${describeBackend(await engineInfo())}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`tagscape: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  let label = cmd.name;
  try {
    let spec = await cmd.load();
    let summary = cmd.summary;
    const subs = spec.subcommands;
    const word = subs && rest[0] && !rest[0].startsWith('-') ? rest[0] : undefined;
    if (word && !Object.hasOwn(subs!, word)) throw new CliError(`unknown subcommand "${word}"; subcommands: ${Object.keys(subs!).join(', ')}.`, 2);
    const sub = word ? subs![word] : undefined;
    if (sub) [spec, summary, label] = [sub, sub.summary, sub.name];
    const values = parseCommand(spec, sub ? rest.slice(1) : rest);
    if (values.help) {
      process.stdout.write(commandHelp(spec, summary) + '\n');
      return 0;
    }
    return await spec.run(values);
  } catch (err) {
    // Libraries occasionally throw strings; every failure still ends as one sentence.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`tagscape ${label}: ${message}\n`);
    if (process.env.TAGSCAPE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return err instanceof CliError ? err.exitCode : 1;
  }
}
