/**
 * The charts drawn in this session, for the Export page: every EChart leaves its latest (publication)
 * option here under its page and title, so a figure seen on Evaluate or Landscape can still be exported
 * after leaving that page. Kept in memory only; options can be large.
 */
import { shallowReactive } from 'vue';
import type { PageId } from './navigation.ts';

export interface SessionFigure {
  key: string;
  page: PageId;
  title: string;
  option: Record<string, unknown>;
  width: number;
  height: number;
}

export const sessionFigures = shallowReactive(new Map<string, SessionFigure>());

export function rememberFigure(figure: SessionFigure): void {
  sessionFigures.set(figure.key, figure);
}

let counter: { page: PageId | null; n: number } = { page: null, n: 0 };

/** 1, 2, ... for the untitled charts of a page, counted again each time the page is opened. */
export function nextChartNumber(page: PageId): number {
  if (counter.page !== page) counter = { page, n: 0 };
  return ++counter.n;
}
