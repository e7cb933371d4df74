import type { EvaluationReport } from '../metrics/evaluate.ts';
import type { RunConfig } from '../train/run.ts';
import type { Workspace } from './workspace.ts';

/** One line of the runs list: status as it really is, progress, provenance, training mode, test AUCs and tags. */
export function summariseRun(ws: Workspace, name: string) {
  const config = ws.readJson<RunConfig>(name, 'config.json');
  const status = ws.status(name);
  const metrics = ws.readJsonIfExists<EvaluationReport>(name, 'metrics.json');
  return {
    name,
    status: status.status,
    epochs_done: status.epochs_done,
    epochs_target: config.train.epochs,
    stopped_early: status.stopped_early ?? false,
    error: status.error,
    backend: config.backend,
    schema: config.schema,
    data: config.data.spec,
    seed: config.train.seed,
    created: config.created,
    updated: status.updated,
    checkpoints: ws.checkpoints(name).length,
    test_auc: metrics ? Object.fromEntries(metrics.discriminants.map((d) => [d.name, d.auc])) : null,
    tags: ws.tags(name),
    adversarial: config.train.adversarial ? { attack: config.train.adversarial.attack, eps: config.train.adversarial.eps, fraction: config.train.adversarial.fraction } : null,
    grad_penalty: config.train.gradPenalty ?? 0,
  };
}
