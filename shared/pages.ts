/** The window's pages in the study's order, with their names: the tabs and the desktop menu's View list. */
export const PAGE_LABELS = {
  data: 'Data', train: 'Train', evaluate: 'Evaluate', robustness: 'Robustness', inspect: 'Inspect', landscape: 'Landscape', runs: 'Runs', export: 'Export',
} as const;
export type PageId = keyof typeof PAGE_LABELS;
export const PAGES = Object.keys(PAGE_LABELS) as PageId[];
