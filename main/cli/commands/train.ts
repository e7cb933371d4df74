import path from 'node:path';
import { LOSS_NAMES, TRAIN_DEFAULTS as D } from '../../../shared/train-defaults.ts';
import { initBackend } from '../../engine/backend.ts';
import { aucTable } from '../../engine/metrics/evaluate.ts';
import { trainConfigFrom, type TrainOptions } from '../../engine/train/config.ts';
import { resumeTraining, startTraining, type TrainResult } from '../../engine/train/run.ts';
import { meanSd } from '../../engine/robustness/aggregate-seeds.ts';
import { parseSeeds, seedRunName } from '../../engine/study/seed-group.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { DATA_HELP, DATA_OPTIONS, openData, openOptions } from '../data-options.ts';
import { networkOptions } from '../train-options.ts';
import { bar, CliError, fmt, makeOut } from '../output.ts';
import { PRESET_NAMES, PRESETS } from '../../../shared/presets.ts';
import { checkPresetData, withPreset } from '../../engine/train/preset.ts';

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
    seeds: { type: 'string' },
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
    preset: { type: 'string' },
    'balance-flavours': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: [
    ['--data FILE|synthetic:N', 'training jets: a Tagscape .h5 file, a .parquet/.npy/.npz/.csv table, a .root file, or N generated jets'],
    ...DATA_HELP,
    ['--workspace DIR', 'workspace folder holding the runs'],
    ['--name RUN', 'run name (letters, digits, . _ -)'],
    ['--epochs E', `total epochs (default ${D.epochs}; with --resume the new total)`],
    ['--seed S', `seed of init, split, shuffling, dropout and synthetic data (default ${D.seed})`],
    ['--seeds N|LIST', `a seed group: one run <name>-s<seed> per seed, seeds 1..N or a list such as 1,2,7; synthetic data keep seed ${D.seed}; reports the mean and sd of the test AUCs`],
    ['--batch B', `batch size (default ${D.batchSize})`],
    ['--lr LR', `initial learning rate lr0, schedule lr0/(1+epoch/30) (default ${D.learningRate})`],
    [`--loss ${LOSS_NAMES.join('|')}`, `loss function (default ${D.loss})`],
    ['--focal-gamma G', `focal-loss gamma (default ${D.focalGamma})`],
    ['--patience P', `early stopping after P epochs without a better validation loss (default ${D.patience})`],
    ['--hidden 100,100,...', `hidden layer widths (default ${D.hidden.join(',')})`],
    ['--dropout R', `dropout rate (default ${D.dropout})`],
    ['--reweight', 'reweight all flavours to the b-jet pT-eta spectrum'],
    ['--balance-flavours', 'give every flavour the same total weight in the loss (the paper\'s flavour balancing)'],
    ['--adv fgsm|ngm|pgd', 'adversarial training: batches replaced by attacked ones (dropout active while attacking)'],
    ['--eps E', `adversarial eps in training sigma (default ${D.adversarialEps})`],
    ['--adv-fraction F', `fraction of batches attacked: 1 = every batch (the paper), 0.5 = every second (default ${D.adversarialFraction})`],
    ['--adv-warmup N', `nominal epochs before attacks start (default ${D.adversarialWarmup})`],
    ['--steps K, --alpha A, --norm linf|l2', 'PGD settings for --adv pgd'],
    ['--grad-penalty LAMBDA', 'geometry-aware training: add LAMBDA <||grad_x L||^2> (alone or with --adv)'],
    ...PRESET_NAMES.map((n): [string, string] => [`--preset ${n}`, `${PRESETS[n].title}; options given as well win (docs/defaults.md)`]),
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
    const results: TrainResult[] = [];
    let seeds: number[] | null = null;
    try {
      if (v.resume) {
        for (const k of ['seed', 'seeds', 'batch', 'lr', 'loss', 'focal-gamma', 'hidden', 'dropout', 'reweight', 'adv', 'eps', 'adv-fraction', 'adv-warmup', 'steps', 'alpha', 'norm', 'grad-penalty']) {
          if (v[k] !== undefined) throw new CliError(`--${k} cannot change when resuming; a resumed run keeps its stored config.`, 2);
        }
        if (v.preset !== undefined) throw new CliError('--preset cannot change when resuming; a resumed run keeps its stored config.', 2);
        if (v['balance-flavours'] !== undefined) throw new CliError('--balance-flavours cannot change when resuming; a resumed run keeps its stored config.', 2);
        if (v.map !== undefined && v.data === undefined) throw new CliError('--map says how to read --data; without --data a resumed run reads its data as it was trained.', 2);
        const data = v.data ? await openData(String(v.data), v, out) : undefined;
        const { stream, blockRows } = openOptions(v);
        try {
          results.push(await resumeTraining({ workspace, name, epochs, data, open: { stream, blockRows }, callbacks }));
        } finally {
          await data?.close();
        }
      } else {
        const spec = requireString(v, 'data', 'train');
        const seed = optionalNumber(v, 'seed', { integer: true, min: 0 });
        if (v.seeds !== undefined && seed !== undefined) throw new CliError('Give --seed S for one run or --seeds N|LIST for a seed group, not both.', 2);
        try {
          seeds = v.seeds === undefined ? null : parseSeeds(String(v.seeds));
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
        const options: TrainOptions = {
          epochs,
          seed,
          ...networkOptions(v),
          balanceFlavours: v['balance-flavours'] ? true : undefined,
          gradPenalty: optionalNumber(v, 'grad-penalty', { min: 0 }),
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
        // --preset: its settings under the options given (shared/presets.ts; the Train form's button is the same).
        const preset = v.preset === undefined ? undefined : String(v.preset);
        if (preset !== undefined) {
          if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new CliError(`--preset must be ${PRESET_NAMES.join(' or ')}, not "${preset}".`, 2);
          Object.assign(options, withPreset(preset, options));
        }
        const data = await openData(spec, v, out, seed ?? D.seed);
        await refuseUnfitPreset(preset, data);
        try {
          // A seed group trains on the same data (generated jets keep the default seed); only the training seed varies.
          for (const s of seeds ?? [seed]) {
            const runName = seeds ? seedRunName(name, s!) : name;
            results.push(await startTraining({ workspace, name: runName, data, config: trainConfigFrom(seeds ? { ...options, seed: s } : options), callbacks }));
            if (results[results.length - 1].status === 'interrupted') break;
          }
        } finally {
          await data.close();
        }
      }
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    const summaries = results.map((result) => {
      const last = result.history[result.history.length - 1];
      return {
        backend: result.backend,
        run: result.name,
        workspace,
        status: result.status,
        epochs_done: result.epochs_done,
        best_epoch: result.best_epoch,
        stopped_early: result.stopped_early,
        train_jets_per_s: last ? Math.round(result.history.reduce((s, h) => s + h.jets_per_s, 0) / result.history.length) : null,
        final: last ?? null,
        test_auc: result.test ? aucTable(result.test) : null,
      };
    });
    const lines = summaries.map((r) =>
      `run "${r.run}" ${r.status} after ${r.epochs_done} epochs (best ${r.best_epoch})` +
        (r.test_auc ? `; test AUC ${Object.entries(r.test_auc).map(([k, a]) => `${k} ${fmt(a)}`).join('  ')}` : ''));
    const interrupted = results.some((r) => r.status === 'interrupted');
    if (!seeds) {
      out.result(summaries[0], lines[0]);
      return interrupted ? 130 : 0;
    }
    // The group's spread: mean and sample sd over the seeds' test AUCs.
    const discs = Object.keys(summaries[0]?.test_auc ?? {});
    const testAuc = Object.fromEntries(discs.map((d) => [d, meanSd(summaries.flatMap((r) => (r.test_auc?.[d] == null ? [] : [r.test_auc[d]!])))]));
    const spread = discs.map((d) => `${d} ${fmt(testAuc[d].mean)} ± ${testAuc[d].sd === null ? 'n/a' : testAuc[d].sd!.toFixed(4)}`).join('  ');
    out.result(
      { backend: summaries[0]?.backend, group: name, workspace, seeds, runs: summaries, test_auc: testAuc },
      [...lines, `group "${name}", ${summaries.length} of ${seeds.length} seeds: test AUC mean ± sd ${spread}`].join('\n'),
    );
    return interrupted ? 130 : 0;
  },
};

/** A preset on data it is not meant for: one sentence, after closing the data. */
async function refuseUnfitPreset(preset: string | undefined, data: { schema: Parameters<typeof checkPresetData>[1]; close(): Promise<void> | void }): Promise<void> {
  try {
    checkPresetData(preset, data.schema);
  } catch (e) {
    await data.close();
    throw new CliError((e as Error).message, 2);
  }
}
