/**
 * What a figure's jets are, for the experiment-label rule (figureLabel): the data asked for, or without
 * data the jets the first run was trained on.
 */
import type { LabelData } from '../../../shared/charts/style.ts';
import type { JetDataset } from '../data/dataset.ts';
import { Workspace } from '../store/workspace.ts';

export function labelData(workspace: string, runs: string[], data?: JetDataset): LabelData {
  if (data) return { synthetic: data.source.kind === 'synthetic' };
  const config = runs.length > 0 ? new Workspace(workspace).readJsonIfExists<{ data?: { kind?: string } }>(runs[0], 'config.json') : null;
  return { synthetic: config?.data?.kind === 'synthetic' };
}
