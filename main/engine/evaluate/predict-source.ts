import { forEachRowBatch, type JetSource } from '../data/source.ts';
import { predictArray, type Mlp } from '../model/mlp.ts';
import { applyStandardizer, type Standardizer } from '../preprocess/standardize.ts';

/**
 * Jets per prediction call. tfjs-wasm's heap grows to hold the largest call's activations and never
 * shrinks, so calls are kept small (about 1 MB per layer); a jet's probabilities do not depend on the
 * other jets of its call, so this changes no number.
 */
export const PREDICT_ROWS = 2048;

/**
 * Class probabilities (rows.length x C) of the given jets (ascending row indices) of a source, read in
 * one pass; only the probabilities are held, 4 floats per jet for DeepCSV.
 */
export async function predictSourceRows(model: Mlp, standardizer: Standardizer, src: JetSource, rows: Uint32Array): Promise<Float32Array> {
  const C = model.config.outputs;
  const out = new Float32Array(rows.length * C);
  const scaled = new Float32Array(Math.min(rows.length, PREDICT_ROWS) * src.schema.features.length);
  await forEachRowBatch(src, rows, PREDICT_ROWS, (first, raw) => {
    out.set(predictArray(model, applyStandardizer(raw, src.schema, standardizer, undefined, scaled), PREDICT_ROWS), first * C);
  });
  return out;
}
