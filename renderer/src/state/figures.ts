/**
 * The charts drawn in this session, for the Export page. Every mounted chart (through its ChartExport)
 * owns one entry, which it replaces whenever its option or title changes (a ROC view toggle, another input
 * picked), so only the version last seen is exported. An unmounted chart's entry stays, so a figure seen on
 * Evaluate or Landscape can still be exported after leaving that page, until a chart with the same page and
 * title is drawn again (the page reopened). Kept in memory only; options can be large.
 */
import { shallowReactive } from 'vue';
import type { PageId } from './navigation.ts';

export interface SessionFigure {
  /** The owning chart instance's key (newFigureKey). */
  key: string;
  page: PageId;
  title: string;
  option: Record<string, unknown>;
  width: number;
  height: number;
}

/** In the order the charts were first drawn. */
export const sessionFigures = shallowReactive(new Map<string, SessionFigure>());
/** Keys of the entries whose chart is no longer mounted. */
const retired = new Set<string>();

let instances = 0;
/** A key of its own for each chart instance. */
export function newFigureKey(): string {
  return `chart-${++instances}`;
}

/** Set or replace a chart's entry; it supersedes a left chart's entry with the same page and title. */
export function rememberFigure(figure: SessionFigure): void {
  for (const key of retired) {
    const old = sessionFigures.get(key);
    if (old && old.page === figure.page && old.title === figure.title) {
      sessionFigures.delete(key);
      retired.delete(key);
    }
  }
  sessionFigures.set(figure.key, figure);
}

/** The chart was unmounted: its last version stays exportable, unless a mounted chart already shows it again. */
export function retireFigure(key: string): void {
  const figure = sessionFigures.get(key);
  if (!figure) return;
  const shownAgain = [...sessionFigures.values()].some((f) => f.key !== key && !retired.has(f.key) && f.page === figure.page && f.title === figure.title);
  if (shownAgain) sessionFigures.delete(key);
  else retired.add(key);
}

let counter: { page: PageId | null; n: number } = { page: null, n: 0 };

/** 1, 2, ... for the untitled charts of a page, counted again each time the page is opened. */
export function nextChartNumber(page: PageId): number {
  if (counter.page !== page) counter = { page, n: 0 };
  return ++counter.n;
}
