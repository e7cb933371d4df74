/** Entry of the `tagscape` command line: dispatch, help, and one-sentence errors. */
import { commandHelp, parseCommand, type CommandSpec } from './args.ts';
import { attackCommand } from './commands/attack.ts';
import { benchCommand } from './commands/bench.ts';
import { curvatureCommand } from './commands/curvature.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { exportCommand } from './commands/export.ts';
import { generateCommand } from './commands/generate.ts';
import { inspectDataCommand } from './commands/inspect-data.ts';
import { landscapeCommand } from './commands/landscape.ts';
import { robustnessCommand } from './commands/robustness.ts';
import { runsCommand } from './commands/runs.ts';
import { serveCommand } from './commands/serve.ts';
import { studyCommand } from './commands/study.ts';
import { trainCommand } from './commands/train.ts';
import { CliError } from './output.ts';
import { TAGSCAPE_VERSION } from '../engine/version.ts';

export const COMMANDS: CommandSpec[] = [generateCommand, trainCommand, evaluateCommand, runsCommand, attackCommand, robustnessCommand, landscapeCommand, curvatureCommand, inspectDataCommand, exportCommand, studyCommand, serveCommand, benchCommand];

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
    process.stdout.write(TAGSCAPE_VERSION + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`tagscape: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  try {
    const values = parseCommand(cmd, rest);
    if (values.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return 0;
    }
    return await cmd.run(values);
  } catch (err) {
    // Libraries occasionally throw strings; every failure still ends as one sentence.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`tagscape ${cmd.name}: ${message}\n`);
    if (process.env.TAGSCAPE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return err instanceof CliError ? err.exitCode : 1;
  }
}
