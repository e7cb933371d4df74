/**
 * The data the Data page shows, which is also the data source the status bar names, and the files opened
 * recently (most recent first, remembered across restarts, at most RECENT_MAX).
 */
import { persisted } from './persisted.ts';

/** The embedded synthetic set the app starts on. */
export const EMBEDDED_DATA = 'synthetic:20000';
export const RECENT_MAX = 8;

export const dataForm = persisted('data.form', { data: EMBEDDED_DATA, feature: 'trackSip2dSig_0', log: true });
export const recentFiles = persisted<string[]>('data.recent', []);

/** `file` first in the list, once; synthetic specs are not files and are not listed. */
export function withRecent(list: readonly string[], file: string, max = RECENT_MAX): string[] {
  if (file.startsWith('synthetic:')) return [...list];
  return [file, ...list.filter((f) => f !== file)].slice(0, max);
}

/** Show `data` on the Data page and remember it among the recent files. */
export function openData(data: string): void {
  dataForm.value = { ...dataForm.value, data };
  recentFiles.value = withRecent(recentFiles.value, data);
}
