/**
 * Robustness scan: the AUC of every discriminant versus eps, per attack and per run, and the worst case
 * over attacks at each eps. Attacks are white-box (generated with the evaluated run) unless an attack run
 * is named (transfer). eps = 0 rows are the clean inputs. Optionally, for one attack and eps, how the
 * attack moved each input of each run (histograms before and after, KL, JS, mean |delta| in sigma).
 * When the runs include several seeds of one recipe (`<name>-s<seed>`), the result also carries their
 * mean ± sd per group (seed_groups), which the Robustness page and the figure draw as bands.
 */
import type { AttackKind, AttackOptions, AttackSpec } from '../attacks/spec.ts';
import type { JetDataset } from '../data/dataset.ts';
import { asSource, jetsAt, type JetSource } from '../data/source.ts';
import { wholeLoadLimit } from '../data/whole.ts';
import { predictRaw, rowsForRun } from '../evaluate/evaluate-run.ts';
import { aucTable, evaluatePredictions } from '../metrics/evaluate.ts';
import { loadRun, type LoadedRun } from '../store/run-model.ts';
import { formsSeedGroup, seedGroupOf } from '../study/seed-group.ts';
import { aggregateScan, type AggregatedScanRow } from './aggregate-seeds.ts';
import { attackCached } from './attack-cache.ts';
import { shiftsOfRows, type FeatureShift } from './input-shifts.ts';
import { gather } from '../data/gather.ts';

export interface ScanRequest {
  workspace: string;
  runs: string[];
  /** The jets: loaded whole, or a source of which only each run's evaluated rows (its test split) are read. */
  data: JetDataset | JetSource;
  attacks: AttackKind[];
  eps: number[];
  /** Generate every attack with this run's model (transfer attack). @default each evaluated run */
  attackRun?: string;
  /** PGD and other attack settings shared by all attacks (kind and eps are set per row). */
  base?: Omit<AttackSpec, 'kind' | 'eps'>;
  options?: AttackOptions;
  /** Also report the input shifts of this attack and eps for every run. @default none */
  shifts?: { attack: AttackKind; eps: number; bins?: number };
  onProgress?(done: number, total: number, label: string): void;
}

export interface ScanRow {
  run: string;
  attack_run: string;
  attack: AttackKind;
  eps: number;
  mode: 'inference';
  jets: number;
  split: 'test' | 'all';
  auc: Record<string, number | null>;
  moved_fraction: number;
  cached: boolean;
}

export interface WorstCase {
  run: string;
  eps: number;
  auc: Record<string, number | null>;
  /** Which attack gave the lowest AUC, per discriminant. */
  attack: Record<string, AttackKind | null>;
}

/** How one attack moved one run's inputs: features sorted by mean |delta| in training sigma, largest first. */
export interface RunInputShifts {
  run: string;
  attack_run: string;
  attack: AttackKind;
  eps: number;
  jets: number;
  features: FeatureShift[];
}

export interface ScanResult {
  results: ScanRow[];
  worst_case: WorstCase[];
  input_shifts?: RunInputShifts[];
  /** Mean ± sd over seeds per run group, attack and eps; only when some group has several seeds. */
  seed_groups?: AggregatedScanRow[];
}

export async function robustnessScan(req: ScanRequest): Promise<ScanResult> {
  const results: ScanRow[] = [];
  const shifts: RunInputShifts[] = [];
  const loaded = new Map<string, LoadedRun>();
  const load = (name: string) => {
    if (!loaded.has(name)) loaded.set(name, loadRun(req.workspace, name));
    return loaded.get(name)!;
  };
  const total = req.runs.length * (req.attacks.length * req.eps.length + (req.shifts ? 1 : 0));
  let done = 0;
  const src = asSource(req.data);
  // The evaluated jets last read, kept while the next run evaluates the same rows.
  let picked: { rows: Uint32Array; data: JetDataset; at: Uint32Array } | null = null;
  const sameRows = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  try {
    for (const runName of req.runs) {
      const run = load(runName);
      const attacker = load(req.attackRun ?? runName);
      const { rows, split } = rowsForRun(run, src);
      // The evaluated jets: in place in data loaded whole, else only their rows, read from the file.
      if (!(picked && sameRows(picked.rows, rows))) {
        if (!src.inMemory) checkRowsFit(src, rows.length);
        picked = null; // the previous run's rows can go before these are read
        picked = { rows, ...(await jetsAt(src, rows)) };
      }
      const { data, at } = picked!;
      const labels = gather(data.labels, at);
      const clean = aucTable(evaluatePredictions(data.schema, predictRaw(run, data.schema, data.features, at), labels));
      for (const kind of req.attacks) {
        for (const eps of req.eps) {
          req.onProgress?.(done, total, `${runName} ${kind} eps=${eps}`);
          let auc = clean;
          let moved = 0;
          let cached = false;
          if (eps > 0) {
            const spec: AttackSpec = { ...req.base, kind, eps };
            const attacked = await attackCached(req.workspace, attacker, data, rows, spec, req.options, at);
            auc = aucTable(evaluatePredictions(data.schema, predictRaw(run, data.schema, attacked.raw), labels));
            moved = attacked.stats.moved_fraction;
            cached = attacked.cached;
          }
          results.push({ run: runName, attack_run: attacker.config.name, attack: kind, eps, mode: 'inference', jets: rows.length, split, auc, moved_fraction: moved, cached });
          done++;
        }
      }
      if (req.shifts) {
        const { attack, eps, bins } = req.shifts;
        req.onProgress?.(done, total, `${runName} input shifts, ${attack} eps=${eps}`);
        const attacked = await attackCached(req.workspace, attacker, data, rows, { ...req.base, kind: attack, eps }, req.options, at);
        const features = shiftsOfRows(data, at, attacked.raw, attacked.stats.mean_abs_delta_sigma, { bins });
        shifts.push({ run: runName, attack_run: attacker.config.name, attack, eps, jets: rows.length, features });
        done++;
      }
    }
  } finally {
    for (const r of loaded.values()) r.model.dispose();
  }
  return {
    results, worst_case: worstCase(results), ...(req.shifts ? { input_shifts: shifts } : {}),
    ...(formsSeedGroup(req.runs) ? { seed_groups: aggregateScan(results, seedGroupOf) } : {}),
  };
}

/** Refuse, in one sentence, evaluated rows of a file too many to hold here (wholeLoadLimit, as for a whole load). */
function checkRowsFit(src: JetSource, rows: number): void {
  const bytes = rows * src.schema.features.length * 4;
  const limit = wholeLoadLimit();
  if (bytes > limit) {
    throw new Error(`${src.source.spec}: a robustness scan holds the ${rows} jets it evaluates in memory (${Math.round(bytes / 1e6)} MB), more than the ${Math.round(limit / 1e6)} MB a whole load may take on this machine; use a file with fewer jets.`);
  }
}

export function worstCase(rows: ScanRow[]): WorstCase[] {
  const out: WorstCase[] = [];
  const keys = [...new Set(rows.map((r) => `${r.run}\u0000${r.eps}`))];
  for (const k of keys) {
    const [run, epsText] = k.split('\u0000');
    const group = rows.filter((r) => r.run === run && String(r.eps) === epsText);
    const auc: WorstCase['auc'] = {};
    const attack: WorstCase['attack'] = {};
    for (const d of Object.keys(group[0].auc)) {
      let best: ScanRow | null = null;
      for (const r of group) if (r.auc[d] !== null && (best === null || r.auc[d]! < best.auc[d]!)) best = r;
      auc[d] = best ? best.auc[d] : null;
      attack[d] = best ? best.attack : null;
    }
    out.push({ run, eps: group[0].eps, auc, attack });
  }
  return out;
}
