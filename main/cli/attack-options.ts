/** Attack options shared by `attack`, `robustness` and adversarial `train`. */
import { epsFactorsFromFile } from '../engine/attacks/factors.ts';
import { ATTACK_KINDS, type AttackKind, type AttackOptions, type AttackSpec } from '../engine/attacks/spec.ts';
import type { FeatureSchema } from '../engine/schema/index.ts';
import { optionalNumber, type OptionSpec } from './args.ts';
import { CliError } from './output.ts';

export const ATTACK_OPTION_SPEC: OptionSpec = {
  steps: { type: 'string' },
  alpha: { type: 'string' },
  norm: { type: 'string' },
  'random-start': { type: 'boolean' },
  'per-group': { type: 'boolean' },
  'shift-sign': { type: 'string' },
  'attack-seed': { type: 'string' },
  'eps-factors': { type: 'string' },
  'raw-cap': { type: 'string' },
};

export const ATTACK_OPTION_HELP: Array<[string, string]> = [
  ['--steps K', 'PGD steps (default 10)'],
  ['--alpha A', 'PGD step size (default 2.5 eps / steps)'],
  ['--norm linf|l2', 'PGD ball (default linf)'],
  ['--random-start', 'PGD starts at a random point inside the ball'],
  ['--per-group', 'NGM normalises per feature group (jet, each track, vertex)'],
  ['--shift-sign 1|-1', 'direction of the coherent shift (default 1)'],
  ['--attack-seed S', 'seed of noise and random starts (default 1)'],
  ['--eps-factors FILE', 'JSON {"feature" or "group:NAME" or "*": factor} scaling eps per feature'],
  ['--raw-cap R', 'cap every change at |delta_raw| <= R |x_raw|'],
];

export function attackKind(value: unknown, option = '--attack'): AttackKind {
  const v = String(value);
  if (!ATTACK_KINDS.includes(v as AttackKind)) throw new CliError(`${option} must be one of ${ATTACK_KINDS.join(', ')}, not "${v}".`, 2);
  return v as AttackKind;
}

/** The attack settings other than kind and eps. */
export function attackBase(v: Record<string, unknown>): Omit<AttackSpec, 'kind' | 'eps'> {
  const norm = v.norm as string | undefined;
  if (norm !== undefined && norm !== 'linf' && norm !== 'l2') throw new CliError(`--norm must be linf or l2, not "${norm}".`, 2);
  const sign = optionalNumber(v, 'shift-sign');
  if (sign !== undefined && sign !== 1 && sign !== -1) throw new CliError('--shift-sign must be 1 or -1.', 2);
  const base: Omit<AttackSpec, 'kind' | 'eps'> = {
    steps: optionalNumber(v, 'steps', { integer: true, min: 1 }),
    alpha: optionalNumber(v, 'alpha', { min: 0 }),
    norm: norm as 'linf' | 'l2' | undefined,
    randomStart: v['random-start'] ? true : undefined,
    perGroup: v['per-group'] ? true : undefined,
    sign: sign as 1 | -1 | undefined,
    seed: optionalNumber(v, 'attack-seed', { integer: true, min: 0 }),
  };
  for (const k of Object.keys(base) as Array<keyof typeof base>) if (base[k] === undefined) delete base[k];
  return base;
}

export function attackOptions(v: Record<string, unknown>, schema: FeatureSchema): AttackOptions {
  const options: AttackOptions = {};
  if (v['eps-factors']) options.epsFactors = epsFactorsFromFile(schema, String(v['eps-factors']));
  const cap = optionalNumber(v, 'raw-cap', { min: 0 });
  if (cap !== undefined) options.rawCap = cap;
  return options;
}
