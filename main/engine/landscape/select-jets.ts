import type { JetSource } from '../data/source.ts';
import { rowsForRun } from '../evaluate/evaluate-run.ts';
import type { LoadedRun } from '../store/run-model.ts';

export interface JetSelection {
  /** One row index in the data file (per-jet surface). */
  jet?: number;
  /** The first N jets the run is evaluated on (its test split on its own training data). */
  jets?: number;
  /** Only jets of this class. */
  className?: string;
}

/** Row indices of the jets to scan, chosen from the labels alone (the features are not read). */
export function selectJets(run: LoadedRun, data: Pick<JetSource, 'schema' | 'n' | 'labels' | 'source'>, sel: JetSelection): Uint32Array {
  if (sel.jet !== undefined) {
    if (!Number.isInteger(sel.jet) || sel.jet < 0 || sel.jet >= data.n) throw new Error(`--jet must be a row index 0..${data.n - 1} of the data file, not ${sel.jet}.`);
    if (sel.className && data.schema.classes[data.labels[sel.jet]] !== sel.className) {
      throw new Error(`Jet ${sel.jet} is a ${data.schema.classes[data.labels[sel.jet]]} jet, not ${sel.className}.`);
    }
    return Uint32Array.of(sel.jet);
  }
  let cls = -1;
  if (sel.className) {
    cls = data.schema.classes.indexOf(sel.className);
    if (cls < 0) throw new Error(`Unknown class "${sel.className}"; classes: ${data.schema.classes.join(', ')}.`);
  }
  const { rows } = rowsForRun(run, data);
  const picked = Array.from(rows).filter((r) => cls < 0 || data.labels[r] === cls).slice(0, sel.jets ?? 500);
  if (picked.length === 0) throw new Error(`No ${sel.className ?? ''} jets to scan in these data.`);
  return Uint32Array.from(picked);
}
