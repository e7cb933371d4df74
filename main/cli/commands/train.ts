import path from 'node:path';
import { LOSS_NAMES, TRAIN_DEFAULTS as D } from '../../../shared/train-defaults.ts';
import { initBackend } from '../../engine/backend.ts';
import { aucTable } from '../../engine/metrics/evaluate.ts';
import { trainConfigFrom, type TrainOptions } from '../../engine/train/config.ts';
import { resumeTraining, startTraining, type TrainResult } from '../../engine/train/run.ts';
import { numberList, optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { DATA_HELP, DATA_OPTIONS, openData, openOptions } from '../data-options.ts';
import { bar, CliError, fmt, makeOut } from '../output.ts';

export const trainCommand: CommandSpec = {
  name: 'train',
  usage:
    'tagscape train --data FILE|synthetic:N --workspace DIR --name RUN [--epochs E] [--seed S] [--map MAPPING.json] [--stream] [options] [--json]\n' +
    '       tagscape train --workspace DIR --name RUN --resume --epochs E [--json]',
  options: {
    data: { type: 'string' },
    ...DATA_OPTIONS,
    workspace: { type: 'string' },
    name: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    loss: { type: 'string' },
    'focal-gamma': { type: 'string' },
    patience: { type: 'string' },
    hidden: { type: 'string' },
    dropout: { type: 'string' },
    reweight: { type: 'boolean' },
    resume: { type: 'boolean' },
    adv: { type: 'string' },
    eps: { type: 'string' },
    'adv-fraction': { type: 'string' },
    'adv-warmup': { type: 'string' },
    steps: { type: 'string' },
    alpha: { type: 'string' },
    norm: { type: 'string' },
    'grad-penalty': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    ['--data FILE|synthetic:N', 'training jets: a Tagscape .h5 file, a .parquet/.npy/.npz/.csv table, a .root file, or N generated jets'],
    ...DATA_HELP,
    ['--workspace DIR', 'workspace folder holding the runs'],
    ['--name RUN', 'run name (letters, digits, . _ -)'],
    ['--epochs E', `total epochs (default ${D.epochs}; with --resume the new total)`],
    ['--seed S', `seed of init, split, shuffling, dropout and synthetic data (default ${D.seed})`],
    ['--batch B', `batch size (default ${D.batchSize})`],
    ['--lr LR', `initial learning rate lr0, schedule lr0/(1+epoch/30) (default ${D.learningRate})`],
    [`--loss ${LOSS_NAMES.join('|')}`, `loss function (default ${D.loss})`],
    ['--focal-gamma G', `focal-loss gamma (default ${D.focalGamma})`],
    ['--patience P', `early stopping after P epochs without a better validation loss (default ${D.patience})`],
    ['--hidden 100,100,...', `hidden layer widths (default ${D.hidden.join(',')})`],
    ['--dropout R', `dropout rate (default ${D.dropout})`],
    ['--reweight', 'reweight all flavours to the b-jet pT-eta spectrum'],
    ['--adv fgsm|ngm|pgd', 'adversarial training: batches replaced by attacked ones (dropout active while attacking)'],
    ['--eps E', `adversarial eps in training sigma (default ${D.adversarialEps})`],
    ['--adv-fraction F', `fraction of batches attacked: 1 = every batch (the paper), 0.5 = every second (default ${D.adversarialFraction})`],
    ['--adv-warmup N', `nominal epochs before attacks start (default ${D.adversarialWarmup})`],
    ['--steps K, --alpha A, --norm linf|l2', 'PGD settings for --adv pgd'],
    ['--grad-penalty LAMBDA', 'geometry-aware training: add LAMBDA <||grad_x L||^2> (alone or with --adv)'],
    ['--resume', 'continue the run from its last checkpoint'],
    ['--json', 'print the result as JSON on stdout (progress stays on stderr)'],
  ],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const workspace = path.resolve(requireString(v, 'workspace', 'train'));
    const name = requireString(v, 'name', 'train');
    const epochs = optionalNumber(v, 'epochs', { integer: true, min: 1 });
    const backend = await initBackend();
    out.note(`backend: ${backend.name}${backend.fallbacks.length ? ` (not used: ${backend.fallbacks.join('; ')})` : ''}`);

    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const callbacks = {
      signal: abort.signal,
      onStart: (s: { name: string; resumedFrom: number; epochs: number; trainJets: number; valJets: number; testJets: number }) =>
        out.note(`${s.resumedFrom ? `resuming "${s.name}" at epoch ${s.resumedFrom}` : `training "${s.name}"`} to ${s.epochs} epochs on ${s.trainJets} jets (validation ${s.valJets}, test ${s.testJets})`),
      onBatchEnd: (p: { epoch: number; batch: number; batches: number; loss: number }) =>
        out.progress.update(`epoch ${p.epoch} ${bar(p.batch / p.batches)} loss ${p.loss.toFixed(4)}`),
      onEpochEnd: (r: { epoch: number; loss: number; val_loss: number; accuracy: number; val_auc: number | null; jets_per_s: number }) =>
        out.progress.line(`epoch ${r.epoch}: loss ${r.loss.toFixed(4)}  acc ${r.accuracy.toFixed(3)}  val_loss ${r.val_loss.toFixed(4)}  val_auc ${fmt(r.val_auc)}  ${Math.round(r.jets_per_s)} jets/s`),
    };
    let result: TrainResult;
    try {
      if (v.resume) {
        for (const k of ['seed', 'batch', 'lr', 'loss', 'focal-gamma', 'hidden', 'dropout', 'reweight', 'adv', 'eps', 'adv-fraction', 'adv-warmup', 'steps', 'alpha', 'norm', 'grad-penalty']) {
          if (v[k] !== undefined) throw new CliError(`--${k} cannot change when resuming; a resumed run keeps its stored config.`, 2);
        }
        if (v.map !== undefined && v.data === undefined) throw new CliError('--map says how to read --data; without --data a resumed run reads its data as it was trained.', 2);
        const data = v.data ? await openData(String(v.data), v, out) : undefined;
        const { stream, blockRows } = openOptions(v);
        try {
          result = await resumeTraining({ workspace, name, epochs, data, open: { stream, blockRows }, callbacks });
        } finally {
          await data?.close();
        }
      } else {
        const spec = requireString(v, 'data', 'train');
        const seed = optionalNumber(v, 'seed', { integer: true, min: 0 });
        // Checked on the next line: the cast only names what a valid value is.
        const loss = v.loss as (typeof LOSS_NAMES)[number] | undefined;
        if (loss !== undefined && !LOSS_NAMES.includes(loss)) throw new CliError(`--loss must be ${LOSS_NAMES.join(' or ')}, not "${loss}".`, 2);
        const options: TrainOptions = {
          epochs,
          seed,
          batchSize: optionalNumber(v, 'batch', { integer: true, min: 1 }),
          learningRate: optionalNumber(v, 'lr'),
          patience: optionalNumber(v, 'patience', { integer: true, min: 1 }),
          hidden: numberList(v, 'hidden'),
          dropout: optionalNumber(v, 'dropout'),
          reweight: v.reweight ? true : undefined,
          gradPenalty: optionalNumber(v, 'grad-penalty', { min: 0 }),
          loss,
          focalGamma: optionalNumber(v, 'focal-gamma', { min: 0 }),
        };
        if (v.adv !== undefined) {
          const attack = String(v.adv);
          if (attack !== 'fgsm' && attack !== 'ngm' && attack !== 'pgd') throw new CliError(`--adv must be fgsm, ngm or pgd, not "${attack}".`, 2);
          const norm = v.norm as string | undefined;
          if (norm !== undefined && norm !== 'linf' && norm !== 'l2') throw new CliError(`--norm must be linf or l2, not "${norm}".`, 2);
          options.adversarial = {
            attack,
            eps: optionalNumber(v, 'eps', { min: 0 }) ?? D.adversarialEps,
            fraction: optionalNumber(v, 'adv-fraction', { min: 0 }) ?? D.adversarialFraction,
            warmupEpochs: optionalNumber(v, 'adv-warmup', { integer: true, min: 0 }) ?? D.adversarialWarmup,
            steps: optionalNumber(v, 'steps', { integer: true, min: 1 }),
            alpha: optionalNumber(v, 'alpha', { min: 0 }),
            norm: norm as 'linf' | 'l2' | undefined,
          };
        } else if (['eps', 'adv-fraction', 'adv-warmup', 'steps', 'alpha', 'norm'].some((k) => v[k] !== undefined)) {
          throw new CliError('--eps, --adv-fraction, --adv-warmup, --steps, --alpha and --norm need --adv fgsm|ngm|pgd.', 2);
        }
        const data = await openData(spec, v, out, seed ?? D.seed);
        try {
          result = await startTraining({ workspace, name, data, config: trainConfigFrom(options), callbacks });
        } finally {
          await data.close();
        }
      }
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    const auc = result.test ? aucTable(result.test) : null;
    const last = result.history[result.history.length - 1];
    const summary = {
      backend: result.backend,
      run: result.name,
      workspace,
      status: result.status,
      epochs_done: result.epochs_done,
      best_epoch: result.best_epoch,
      stopped_early: result.stopped_early,
      train_jets_per_s: last ? Math.round(result.history.reduce((s, h) => s + h.jets_per_s, 0) / result.history.length) : null,
      final: last ?? null,
      test_auc: auc,
    };
    out.result(
      summary,
      `run "${result.name}" ${result.status} after ${result.epochs_done} epochs (best ${result.best_epoch})` +
        (auc ? `; test AUC ${Object.entries(auc).map(([k, a]) => `${k} ${fmt(a)}`).join('  ')}` : ''),
    );
    return result.status === 'interrupted' ? 130 : 0;
  },
};
