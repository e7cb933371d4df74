/**
 * A run's score for every jet of a data set, for the Data page's jet table: its first discriminant (BvL
 * for DeepCSV). Predicted with predictRawAsync, so the loopback server and the Electron main process that
 * ask for it keep answering other requests while a large set is scored; the jets are read a chunk at a
 * time, so a file streamed from disk is scored without holding its inputs.
 */
import type { JetDataset } from '../data/dataset.ts';
import type { JetScores } from '../data/jet-table.ts';
import { asSource, rowRanges, type JetSource } from '../data/source.ts';
import { discriminant } from '../metrics/discriminants.ts';
import { loadRun } from '../store/run-model.ts';
import { predictRawAsync, RAW_CHUNK, requireSchema } from './evaluate-run.ts';

export async function jetScores(workspace: string, run: string, data: JetDataset | JetSource): Promise<JetScores> {
  const d = asSource(data);
  const loaded = loadRun(workspace, run);
  try {
    requireSchema(loaded, d.schema);
    const spec = d.schema.discriminants[0];
    const C = loaded.model.config.outputs;
    const probs = new Float32Array(d.n * C);
    // predictRawAsync's own chunks, so each is predicted exactly as in one call over every jet.
    const buffer = new Float32Array(Math.min(d.n, RAW_CHUNK) * d.schema.features.length);
    for (const [s, e] of rowRanges(0, d.n, RAW_CHUNK)) probs.set(await predictRawAsync(loaded, d.schema, await d.readRows(s, e, buffer)), s * C);
    return { run, discriminant: spec.name, values: discriminant(probs, d.labels, d.schema, spec).values };
  } finally {
    loaded.model.dispose();
  }
}
