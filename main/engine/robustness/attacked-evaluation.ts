/**
 * A run evaluated on its own attacked inputs (white-box): the same jets as its clean evaluation, each
 * attacked with the run's model in inference mode, frozen inputs left untouched by the attack code.
 * The attacked set is cached in the run store, so the Evaluate page, its figure and a later robustness
 * scan share one attack.
 */
import type { AttackSpec } from '../attacks/spec.ts';
import type { JetDataset } from '../data/dataset.ts';
import { predictRaw, type RunEvaluation } from '../evaluate/evaluate-run.ts';
import { evaluatePredictions, type EvaluationReport } from '../metrics/evaluate.ts';
import type { LoadedRun } from '../store/run-model.ts';
import { attackCached } from './attack-cache.ts';

export async function evaluateAttacked(workspace: string, run: LoadedRun, data: JetDataset, clean: Pick<RunEvaluation, 'rows' | 'labels' | 'weights'>, attack: AttackSpec): Promise<EvaluationReport> {
  const attacked = await attackCached(workspace, run, data, clean.rows, attack);
  return evaluatePredictions(data.schema, predictRaw(run, data.schema, attacked.raw), clean.labels, clean.weights);
}
