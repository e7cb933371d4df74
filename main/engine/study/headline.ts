/**
 * The paper's headline as a verdict on these data: adversarial training keeps the clean performance and
 * makes the tagger less vulnerable (A. Stein, arXiv:2303.14511).
 *
 * Rule, fixed before any result is seen:
 * - clean performance kept: the clean (eps = 0) AUCs of the two models, each a mean over seeds, differ by
 *   less than CLEAN_TOLERANCE = 0.005 (in either direction);
 * - less vulnerable: at some eps with 0 < eps <= MAX_EPS = 0.1, under one of the verdict attacks, the
 *   adversarial model's mean attacked AUC exceeds the nominal model's "beyond the seed spread":
 *       mean_adv - mean_nom > sqrt(sd_adv^2 + sd_nom^2)
 *   with sd the sample standard deviation over seeds (aggregate-seeds.ts). That is the difference of the
 *   means exceeding one standard deviation of the difference of two single-seed results. With fewer than
 *   two seeds per model there is no spread and the claim cannot be shown.
 * The claim holds when both parts hold. Larger eps are reported but never decide the verdict.
 */
import type { AggregatedScanRow, MeanSd } from '../robustness/aggregate-seeds.ts';

export const CLEAN_TOLERANCE = 0.005;
export const MAX_EPS = 0.1;

export interface HeadlineRequest {
  /** Aggregated robustness rows (both groups, eps = 0 included). */
  rows: AggregatedScanRow[];
  nominal: string;
  adversarial: string;
  /** @default 'BvL' */
  discriminant?: string;
  /** Attacks that may decide the verdict (others are tabulated only). @default every attack in rows */
  verdictAttacks?: string[];
  /** Words for the adversarial model in the sentence, e.g. "FGSM-trained, ε = 0.01". @default the group name */
  adversarialLabel?: string;
}

export interface HeadlinePoint {
  attack: string;
  eps: number;
  nominal: MeanSd;
  adversarial: MeanSd;
  /** adversarial mean - nominal mean */
  difference: number;
  /** sqrt(sd_adv^2 + sd_nom^2); null when either model has fewer than two seeds here. */
  spread: number | null;
  beyond_spread: boolean;
  /** Counts towards the verdict: a verdict attack at 0 < eps <= 0.1. */
  decides: boolean;
}

export interface Headline {
  discriminant: string;
  nominal: { group: string; seeds: number[] };
  adversarial: { group: string; seeds: number[] };
  clean: { nominal: MeanSd; adversarial: MeanSd; difference: number; tolerance: number; kept: boolean };
  attacked: HeadlinePoint[];
  verdict_attacks: string[];
  max_eps: number;
  rule: string;
  holds: boolean;
  sentence: string;
}

export const HEADLINE_RULE =
  `holds when |clean AUC_adv - clean AUC_nom| < ${CLEAN_TOLERANCE} (means over seeds) and, at some 0 < eps <= ${MAX_EPS} under a verdict attack, ` +
  'mean AUC_adv - mean AUC_nom > sqrt(sd_adv^2 + sd_nom^2) (sample sd over seeds)';

const f4 = (v: number) => v.toFixed(4);
const pm = (m: MeanSd) => (m.sd === null ? f4(m.mean) : `${f4(m.mean)} ± ${f4(m.sd)}`);

export function headline(req: HeadlineRequest): Headline {
  const disc = req.discriminant ?? 'BvL';
  const of = (group: string) => req.rows.filter((r) => r.group === group);
  const nom = of(req.nominal);
  const adv = of(req.adversarial);
  if (!nom.length || !adv.length) throw new Error(`The headline needs robustness results of both "${req.nominal}" and "${req.adversarial}".`);
  const value = (r: AggregatedScanRow | undefined): MeanSd => r?.auc[disc] ?? { mean: NaN, sd: null, n: 0 };
  const cleanN = nom.find((r) => r.eps === 0);
  const cleanA = adv.find((r) => r.eps === 0);
  if (!cleanN || !cleanA) throw new Error('The headline needs the clean AUCs: include eps 0 in the scan.');
  const clean = { nominal: value(cleanN), adversarial: value(cleanA), difference: value(cleanA).mean - value(cleanN).mean, tolerance: CLEAN_TOLERANCE, kept: false };
  clean.kept = Math.abs(clean.difference) < CLEAN_TOLERANCE;

  const verdictAttacks = req.verdictAttacks ?? [...new Set(req.rows.map((r) => r.attack))];
  const attacked: HeadlinePoint[] = nom
    .filter((r) => r.eps > 0)
    .map((rn) => {
      const a = value(adv.find((r) => r.attack === rn.attack && r.eps === rn.eps));
      const n = value(rn);
      const spread = a.sd === null || n.sd === null ? null : Math.hypot(a.sd, n.sd);
      const difference = a.mean - n.mean;
      return {
        attack: rn.attack, eps: rn.eps, nominal: n, adversarial: a, difference, spread,
        beyond_spread: spread !== null && difference > spread,
        decides: verdictAttacks.includes(rn.attack) && rn.eps <= MAX_EPS,
      };
    })
    .sort((x, y) => x.attack.localeCompare(y.attack) || x.eps - y.eps);

  const deciding = attacked.filter((p) => p.decides);
  const winners = deciding.filter((p) => p.beyond_spread);
  const holds = clean.kept && winners.length > 0;
  const seeds = Math.min(cleanN.seeds.length || 1, cleanA.seeds.length || 1);
  const advLabel = req.adversarialLabel ?? req.adversarial;
  const cleanText = `the clean ${disc} AUC is ${pm(clean.nominal)} for the nominal and ${pm(clean.adversarial)} for the adversarial (${advLabel}) model (difference ${clean.difference >= 0 ? '+' : ''}${f4(clean.difference)}, tolerance ${CLEAN_TOLERANCE})`;
  const point = (p: HeadlinePoint) =>
    `under ${p.attack.toUpperCase()} at ε = ${p.eps} the adversarial model's AUC is ${pm(p.adversarial)} against ${pm(p.nominal)} (difference ${p.difference >= 0 ? '+' : ''}${f4(p.difference)}, seed spread ${p.spread === null ? 'unknown' : f4(p.spread)})`;
  // The point quoted: the clearest win when the claim holds, else the closest miss (largest difference - spread).
  const margin = (p: HeadlinePoint) => p.difference - (p.spread ?? Infinity);
  const quoted = [...(winners.length ? winners : deciding)].sort((x, y) => margin(y) - margin(x) || y.difference - x.difference)[0];
  const why = !clean.kept
    ? 'the clean AUCs differ by more than the tolerance'
    : seeds < 2
      ? 'with fewer than two seeds per model there is no seed spread to beat'
      : `at no ε ≤ ${MAX_EPS} is the adversarial model's attacked AUC higher beyond the seed spread`;
  const sentence = holds
    ? `The paper's claim holds on these data (${seeds} seeds per model): ${cleanText}, and ${point(quoted)}.`
    : `The paper's claim does not hold on these data (${seeds} seeds per model): ${why}; ${cleanText}${quoted ? `, and at best ${point(quoted)}` : ''}.`;
  return {
    discriminant: disc,
    nominal: { group: req.nominal, seeds: cleanN.seeds },
    adversarial: { group: req.adversarial, seeds: cleanA.seeds },
    clean, attacked, verdict_attacks: verdictAttacks, max_eps: MAX_EPS, rule: HEADLINE_RULE, holds, sentence,
  };
}
