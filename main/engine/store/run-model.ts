import fs from 'node:fs';
import { Mlp } from '../model/mlp.ts';
import { loadModelArrays } from '../model/serialize.ts';
import type { Standardizer } from '../preprocess/standardize.ts';
import type { RunConfig } from '../train/run.ts';
import { readBundle } from './bundle.ts';
import { Workspace } from './workspace.ts';

export interface LoadedRun {
  config: RunConfig;
  model: Mlp;
  standardizer: Standardizer;
  split: Uint8Array;
}

/** A run's best weights with everything needed to apply them. The caller disposes `model`. */
export function loadRun(workspace: string, name: string): LoadedRun {
  const ws = new Workspace(workspace);
  ws.requireRun(name);
  const config = ws.readJson<RunConfig>(name, 'config.json');
  const status = ws.status(name);
  const file = ws.file(name, 'model.bin');
  if (!fs.existsSync(file)) {
    throw new Error(`Run "${name}" has no saved weights yet (status: ${status.status}, ${status.epochs_done} epochs); train or resume it first.`);
  }
  let weights;
  try {
    weights = readBundle(file);
  } catch (e) {
    throw new Error(`The weights of run "${name}" cannot be read (${(e as Error).message}); resume the run to write them again.`);
  }
  const model = new Mlp(config.model, config.train.seed);
  loadModelArrays(model, weights.arrays);
  const { standardizer } = ws.readJson<{ standardizer: Standardizer }>(name, 'preprocess.json');
  const split = readBundle(ws.file(name, 'split.bin')).arrays.split.data as Uint8Array;
  return { config, model, standardizer, split };
}
