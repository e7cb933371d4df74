/**
 * Data attributes on a PrimeVue DataTable's body rows (hooks for styles and the browser tests, e.g.
 * `tr[data-run=nominal]`), through its pass-through option: `:pt="{ bodyRow: rowAttrs(rows, (r) => ({ 'data-run': r.name })) }"`.
 * PrimeVue hands the pass-through only the row's index, so `rows` must be the list in the order shown (no
 * sorting inside the table; a `lazy` table leaves the order to the page).
 */
export function rowAttrs<T>(rows: readonly T[], attrs: (row: T) => Record<string, string | number>) {
  return ({ context }: { context: { index: number } }): Record<string, string | number> => (rows[context.index] === undefined ? {} : attrs(rows[context.index]));
}
