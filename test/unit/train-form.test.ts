import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldError, paperDefaults, trainJob, type TrainForm } from '../../renderer/src/views/train-form.ts';
import { JobSpec } from '../../shared/api/contract.ts';
import { TRAIN_DEFAULTS } from '../../shared/train-defaults.ts';

const form = (over: Partial<TrainForm> = {}): TrainForm => ({ name: 'r', data: 'synthetic:1000', ...paperDefaults(), ...over });

describe('the Train form', () => {
  it('asks for a job the contract accepts, at the paper\'s defaults', () => {
    const job = trainJob(form());
    assert.equal(JobSpec.safeParse(job).success, true);
    assert.deepEqual(job.hidden, [...TRAIN_DEFAULTS.hidden]);
    assert.equal(job.adversarial, undefined);
    assert.equal(job.gradPenalty, undefined);
  });

  it('carries the adversarial attack, ε, the attacked fraction of batches and the warm-up', () => {
    const job = trainJob(form({ adv: 'pgd', eps: 0.05, advFraction: 0.5, advWarmup: 2 }));
    assert.deepEqual(job.adversarial, { attack: 'pgd', eps: 0.05, fraction: 0.5, warmupEpochs: 2 });
    assert.equal(JobSpec.safeParse(job).success, true);
    assert.deepEqual(trainJob(form({ adv: 'fgsm' })).adversarial, { attack: 'fgsm', eps: TRAIN_DEFAULTS.adversarialEps, fraction: 1, warmupEpochs: 0 });
  });

  it('names the first wrong field in one sentence', () => {
    const wrong = (over: Partial<TrainForm>, field: keyof TrainForm) =>
      assert.throws(() => trainJob(form(over)), (e: unknown) => e instanceof FieldError && e.field === field && /^[A-Z].*\.$/.test(e.message) && !e.message.includes('\n'));
    wrong({ hidden: '100,,100' }, 'hidden');
    wrong({ dropout: 1 }, 'dropout');
    wrong({ epochs: null }, 'epochs');
    wrong({ adv: 'fgsm', eps: 0 }, 'eps');
    wrong({ adv: 'fgsm', advFraction: 0 }, 'advFraction');
    wrong({ adv: 'fgsm', advWarmup: 1.5 }, 'advWarmup');
    wrong({ adv: 'fgsm', epochs: 3, advWarmup: 3 }, 'advWarmup');
    wrong({ loss: 'focal', focalGamma: -1 }, 'focalGamma');
    assert.equal(trainJob(form({ adv: 'none', advFraction: 0 })).adversarial, undefined, 'attack settings matter only with an attack');
  });
});
