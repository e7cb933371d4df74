/** Training options `train` and `scan` read the same way: the network and optimisation settings. */
import { LOSS_NAMES } from '../../shared/train-defaults.ts';
import type { TrainOptions } from '../engine/train/config.ts';
import { numberList, optionalNumber } from './args.ts';
import { CliError } from './output.ts';

/** --batch, --lr, --patience, --hidden, --dropout, --reweight, --loss, --focal-gamma, checked; undefined = the default. */
export function networkOptions(v: Record<string, unknown>): Pick<TrainOptions, 'batchSize' | 'learningRate' | 'patience' | 'hidden' | 'dropout' | 'reweight' | 'loss' | 'focalGamma'> {
  // Checked on the next line: the cast only names what a valid value is.
  const loss = v.loss as (typeof LOSS_NAMES)[number] | undefined;
  if (loss !== undefined && !LOSS_NAMES.includes(loss)) throw new CliError(`--loss must be ${LOSS_NAMES.join(' or ')}, not "${loss}".`, 2);
  return {
    batchSize: optionalNumber(v, 'batch', { integer: true, min: 1 }),
    learningRate: optionalNumber(v, 'lr'),
    patience: optionalNumber(v, 'patience', { integer: true, min: 1 }),
    hidden: numberList(v, 'hidden'),
    dropout: optionalNumber(v, 'dropout'),
    reweight: v.reweight ? true : undefined,
    loss,
    focalGamma: optionalNumber(v, 'focal-gamma', { min: 0 }),
  };
}
