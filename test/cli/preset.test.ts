import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runJob } from '../../main/jobs/job-entry.ts';
import { withPreset } from '../../main/engine/train/preset.ts';
import { holdsPreset, paperDefaults, presetFields, trainJob, type TrainForm } from '../../renderer/src/views/train-form.ts';
import { JobSpec } from '../../shared/api/contract.ts';
import { PRESETS, presetMismatch } from '../../shared/presets.ts';
import { syntheticUciJets, writeUciJson } from '../fixtures-uci.ts';
import { backend, tmpDir } from '../helpers.ts';
import { jsonOf, tagscape } from './run-cli.ts';

describe('the stein2022 preset', () => {
  before(backend);
  const dir = tmpDir('tagscape-preset-');
  const data = path.join(dir, 'dataset.json.gz');
  writeUciJson(data, syntheticUciJets({ jets: 300, seed: 5 }));
  const ws = path.join(dir, 'ws');
  const trainConfig = (run: string) => JSON.parse(fs.readFileSync(path.join(ws, 'runs', run, 'config.json'), 'utf8')).train;

  it('gives the same training config from `train --preset` and from the Train form\'s button (through a Train job)', async () => {
    jsonOf(tagscape('train', '--data', data, '--preset', 'stein2022', '--epochs', '1', '--hidden', '16,16', '--batch', '64', '--workspace', ws, '--name', 'cli', '--json'));
    const form: TrainForm = { name: 'form', data, ...presetFields('stein2022'), epochs: 1, hidden: '16,16', batchSize: 64 };
    const job = JobSpec.parse(trainJob(form));
    assert.equal(job.kind === 'train' && job.preset, 'stein2022', 'the job names the preset');
    await runJob(job, ws, new AbortController().signal);
    const cli = trainConfig('cli');
    assert.deepEqual(trainConfig('form'), cli);
    // What the paper's code does, as stored with the run.
    assert.equal(cli.learningRate, 1e-4);
    assert.deepEqual(cli.loss, { name: 'focal', gamma: 25 });
    assert.equal(cli.reweight, true);
    assert.equal(cli.balanceFlavours, true, 'flavours balanced, as the paper\'s weights are');
    assert.deepEqual(cli.adversarial, { attack: 'fgsm', eps: 0.01, fraction: 1, warmupEpochs: 0 });
    assert.deepEqual(cli.splitFractions, [0.72, 0.08, 0.2]);
    assert.equal(cli.batchSize, 64, 'an option given explicitly wins over the preset');
  });

  it('refuses data of another schema in one sentence, on the command line and in a job, and leaves no run', async () => {
    const r = tagscape('train', '--data', 'synthetic:300', '--preset', 'stein2022', '--epochs', '1', '--workspace', ws, '--name', 'wrong');
    assert.equal(r.code, 2);
    const line = r.stderr.trim().split('\n').pop()!;
    assert.match(line, /^tagscape train: The stein2022 preset is for UCI Jet Flavor data \(184 inputs; classes b, c, udsg\), but these data have the deepcsv schema \(67 inputs; classes b, bb, c, udsg\)\.$/);
    assert.equal(fs.existsSync(path.join(ws, 'runs', 'wrong')), false);
    const job = JobSpec.parse(trainJob({ name: 'wrong2', data: 'synthetic:300', ...presetFields('stein2022'), epochs: 1 }));
    await assert.rejects(runJob(job, ws, new AbortController().signal), /^Error: The stein2022 preset is for UCI Jet Flavor data/);
    assert.equal(fs.existsSync(path.join(ws, 'runs', 'wrong2')), false);
    assert.equal(tagscape('train', '--data', data, '--preset', 'paper', '--workspace', ws, '--name', 'x').code, 2, 'an unknown preset is a usage error');
  });

  it('a form moved away from the preset no longer names it, and explicit options win over it', () => {
    const form: TrainForm = { name: 'r', data, ...presetFields('stein2022') };
    assert.equal(holdsPreset(form, 'stein2022'), true);
    assert.equal(holdsPreset({ ...form, learningRate: 1e-3 }, 'stein2022'), false, 'another learning rate');
    const nominal = trainJob({ ...form, adv: 'none' });
    assert.equal(nominal.preset, undefined);
    assert.equal(nominal.adversarial, undefined, 'no FGSM sneaks back in from the preset');
    assert.equal(trainJob({ name: 'r', data, ...paperDefaults() }).preset, undefined);
    const o = withPreset('stein2022', { learningRate: 1e-3, loss: undefined });
    assert.equal(o.learningRate, 1e-3);
    assert.equal(o.loss, 'focal', 'an option left undefined takes the preset\'s');
    assert.equal(presetMismatch(PRESETS.stein2022, { name: 'uci', inputs: 184, classes: ['b', 'c', 'udsg'] }), null);
  });
});
