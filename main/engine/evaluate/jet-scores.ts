/**
 * A run's score for every jet of a data set, for the Data page's jet table: its first discriminant (BvL
 * for DeepCSV). Predicted with predictRawAsync, so the loopback server and the Electron main process that
 * ask for it keep answering other requests while a large set is scored.
 */
import type { JetDataset } from '../data/dataset.ts';
import type { JetScores } from '../data/jet-table.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { loadRun } from '../store/run-model.ts';
import { predictRawAsync, requireSchema } from './evaluate-run.ts';

export async function jetScores(workspace: string, run: string, d: JetDataset): Promise<JetScores> {
  const loaded = loadRun(workspace, run);
  try {
    requireSchema(loaded, d.schema);
    const spec = d.schema.discriminants[0];
    const probs = await predictRawAsync(loaded, d.schema, d.features);
    return { run, discriminant: spec.name, values: discriminant(probs, d.labels, d.schema, spec).values };
  } finally {
    loaded.model.dispose();
  }
}
