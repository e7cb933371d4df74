/**
 * The data the Data page shows, which is also the data source the status bar names, and the files opened
 * recently (shared/recent.ts: most recent first, remembered across restarts).
 */
import { ref } from 'vue';
import { EMBEDDED_DATA } from '../../../shared/first-study.ts';
import { withRecent } from '../../../shared/recent.ts';
import { persisted } from './persisted.ts';


export const dataForm = persisted('data.form', { data: EMBEDDED_DATA, feature: 'trackSip2dSig_0', log: true });
export const recentFiles = persisted<string[]>('data.recent', []);

/** Counts openData calls, so a shown Data page loads what was opened from elsewhere (drop, menu). */
export const opened = ref(0);

/** Show `data` on the Data page and remember it among the recent files. */
export function openData(data: string): void {
  dataForm.value = { ...dataForm.value, data };
  recentFiles.value = withRecent(recentFiles.value, data);
  opened.value++;
}
