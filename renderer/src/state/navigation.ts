/**
 * Which page is shown, and what one page hands to the next (e.g. Inspect's "open this jet in Landscape"):
 * `navigate('landscape', { run, data, jet })` switches the page and leaves the parameters in `handoff`
 * for the target page to read once on mount (`takeHandoff('landscape')`).
 */
import { ref } from 'vue';
import { PAGES, type PageId } from '../../../shared/pages.ts';
import { persisted } from './persisted.ts';

export { PAGES, type PageId };

export const currentPage = persisted<PageId>('page', 'train');
if (!PAGES.includes(currentPage.value)) currentPage.value = 'train';

const handoff = ref<{ page: PageId; params: Record<string, unknown> } | null>(null);

export function navigate(page: PageId, params?: Record<string, unknown>): void {
  handoff.value = params ? { page, params } : null;
  currentPage.value = page;
}

/** The parameters another page sent to `page`, once; null when the page was opened from the menu. */
export function takeHandoff(page: PageId): Record<string, unknown> | null {
  const h = handoff.value;
  if (!h || h.page !== page) return null;
  handoff.value = null;
  return h.params;
}
