import type { Bundle, TypedArray } from '../store/bundle.ts';
import type { Mlp } from './mlp.ts';

/** The model's variables as bundle arrays p0, p1, ... (weight, bias, weight, bias, ...). */
export function modelArrays(model: Mlp): Bundle['arrays'] {
  const values = model.getWeights();
  return Object.fromEntries(model.variables.map((v, i) => [`p${i}`, { data: values[i] as TypedArray, shape: v.shape }]));
}

export function loadModelArrays(model: Mlp, arrays: Bundle['arrays']): void {
  const values = model.variables.map((_, i) => {
    const a = arrays[`p${i}`];
    if (!a) throw new Error(`The saved weights lack parameter p${i}: the file does not match this network.`);
    return a.data as Float32Array;
  });
  model.setWeights(values);
}
