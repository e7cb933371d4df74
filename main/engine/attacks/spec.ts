/**
 * What an attack does, as data. Every attack acts on standardised inputs, so eps is in units of each
 * feature's training-set standard deviation; integer inputs and entries at their default value are
 * frozen (restored bit for bit after every step).
 */

export type AttackKind = 'fgsm' | 'ngm' | 'pgd' | 'noise' | 'shift';
export const ATTACK_KINDS: readonly AttackKind[] = ['fgsm', 'ngm', 'pgd', 'noise', 'shift'];

export interface AttackSpec {
  kind: AttackKind;
  /** Size: the L-inf step (FGSM), L2 length (NGM), ball radius (PGD), sigma (noise), shift (shift). */
  eps: number;
  /** PGD: number of steps. @default 10 */
  steps?: number;
  /** PGD: step size. @default 2.5 * eps / steps */
  alpha?: number;
  /** PGD: the ball to project onto. @default 'linf' */
  norm?: 'linf' | 'l2';
  /** PGD: start from a uniform random point inside the ball. @default false */
  randomStart?: boolean;
  /** NGM: normalise the gradient within each feature group (jet, each track, vertex) instead of per jet. @default false */
  perGroup?: boolean;
  /** Shift: direction of the coherent shift, +1 or -1. @default 1 */
  sign?: 1 | -1;
  /** Seed of the random parts (noise, random start). @default 1 */
  seed?: number;
}

export interface AttackOptions {
  /** Per-feature multipliers of eps (1 = the full eps, 0 = never moved). @default all 1 */
  epsFactors?: Float32Array;
  /** Cap |delta_raw| <= rawCap * |x_raw| per entry. @default none */
  rawCap?: number;
}

export function validateAttack(spec: AttackSpec): void {
  if (!ATTACK_KINDS.includes(spec.kind)) throw new Error(`Unknown attack "${spec.kind}"; attacks: ${ATTACK_KINDS.join(', ')}.`);
  if (!(spec.eps >= 0) || !Number.isFinite(spec.eps)) throw new Error(`The attack size eps must be a finite number >= 0, not ${spec.eps}.`);
  if (spec.steps !== undefined && (!Number.isInteger(spec.steps) || spec.steps < 1)) throw new Error(`PGD steps must be a positive integer, not ${spec.steps}.`);
  if (spec.alpha !== undefined && !(spec.alpha > 0)) throw new Error(`The PGD step size alpha must be positive, not ${spec.alpha}.`);
  if (spec.norm !== undefined && spec.norm !== 'linf' && spec.norm !== 'l2') throw new Error(`--norm must be linf or l2, not ${spec.norm}.`);
}

/** A stable text key for caching and for labels. */
export function attackKey(spec: AttackSpec): string {
  const parts: string[] = [spec.kind, `eps=${spec.eps}`];
  if (spec.kind === 'pgd') parts.push(`steps=${spec.steps ?? 10}`, `alpha=${pgdAlpha(spec)}`, `norm=${spec.norm ?? 'linf'}`, `rs=${spec.randomStart ? 1 : 0}`);
  if (spec.kind === 'ngm' && spec.perGroup) parts.push('per-group');
  if (spec.kind === 'shift') parts.push(`sign=${spec.sign ?? 1}`);
  if (spec.kind === 'noise' || (spec.kind === 'pgd' && spec.randomStart)) parts.push(`seed=${spec.seed ?? 1}`);
  return parts.join(',');
}

export function pgdAlpha(spec: AttackSpec): number {
  const steps = spec.steps ?? 10;
  return spec.alpha ?? (2.5 * spec.eps) / steps;
}
