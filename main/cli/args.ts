/** Option parsing on node:util parseArgs, with errors phrased for people. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './output.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  name: string;
  usage: string;
  options: OptionSpec;
  /** One line of help per option, in display order. */
  help: Array<[string, string]>;
  run(values: Record<string, unknown>): Promise<number>;
  /** `tagscape <name> <sub> ...`: each subcommand is a command of its own (help, options, run). */
  subcommands?: Record<string, CommandSpec & { summary: string }>;
}

export function parseCommand(spec: CommandSpec, argv: string[]): Record<string, unknown> {
  try {
    const { values } = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return values as Record<string, unknown>;
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw new CliError(`${msg} (see \`tagscape ${spec.name} --help\`)`, 2);
  }
}

export function commandHelp(spec: CommandSpec, summary: string): string {
  const width = Math.max(...spec.help.map(([k]) => k.length));
  return [`tagscape ${spec.name} — ${summary}`, '', `usage: ${spec.usage}`, '', ...spec.help.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

export function requireString(values: Record<string, unknown>, key: string, cmd: string): string {
  const v = values[key];
  if (typeof v !== 'string' || v === '') throw new CliError(`tagscape ${cmd} needs --${key}.`, 2);
  return v;
}

export function optionalNumber(values: Record<string, unknown>, key: string, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new CliError(`--${key} must be ${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, not "${String(v)}".`, 2);
  }
  return n;
}

export function numberList(values: Record<string, unknown>, key: string): number[] | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const list = String(v).split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isFinite(n))) throw new CliError(`--${key} must be a comma-separated list of numbers, not "${String(v)}".`, 2);
  return list;
}
