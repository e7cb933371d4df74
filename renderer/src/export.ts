/**
 * Exporting from the window. A chart's option (the light publication version the shared builders made)
 * goes in wire form to the same renderer as `tagscape export`, and the file comes back to be saved.
 * Saving is the one host-specific step: the client's own `save` when it has one (the Electron save
 * dialog), otherwise a browser download.
 */
import type { Response } from '../../shared/api/contract.ts';
import { toWire } from '../../shared/charts/wire.ts';
import type { TagscapeClient } from './client/client.ts';

export type ExportFormat = 'png' | 'svg' | 'pdf';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'svg', 'pdf'];
export type ExportedFile = Response<'exportChart'>;

export interface ChartToExport {
  option: Record<string, unknown>;
  /** Figure size in points, the size the option was built for. @default 600 x 450 */
  width?: number;
  height?: number;
  /** PDF title and file name. */
  title?: string;
}

function page(chart: ChartToExport) {
  return { option: toWire(chart.option), width: chart.width, height: chart.height, title: chart.title };
}

/** A browser download of the file (Blob + <a download>). */
function downloadFile(file: ExportedFile): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Where the file went (a path from the save dialog, or the download's name); null when the user cancelled. */
export async function saveFile(client: TagscapeClient, file: ExportedFile): Promise<string | null> {
  if (client.save) return client.save(file);
  downloadFile(file);
  return file.filename;
}

/** Export one chart and save it: where it went, or null when cancelled. */
export async function exportChart(client: TagscapeClient, chart: ChartToExport, format: ExportFormat): Promise<string | null> {
  return saveFile(client, await client.call('exportChart', { ...page(chart), format }));
}

/** Export several charts as the pages of one PDF and save it: where it went, or null when cancelled. */
export async function exportChartsPdf(client: TagscapeClient, charts: ChartToExport[], title?: string): Promise<string | null> {
  return saveFile(client, await client.call('exportCharts', { charts: charts.map(page), title }));
}
