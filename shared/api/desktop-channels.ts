/**
 * The desktop window's channels beyond the operations (operation-names.ts has the dialogs' and jobs'):
 * a dropped file handed to main, and the native menu's commands to the page.
 */

/** Page → main: the path of a file dropped on the window (from the preload's webUtils.getPathForFile). */
export const DROP_FILE_CHANNEL = 'tagscape-drop:open-data';
/** Main → page: a data file chosen in File › Open data… or Open recent, already granted. */
export const MENU_OPEN_DATA_CHANNEL = 'tagscape-menu:open-data';
/** Main → page: show a page (View › a page, File › Export…). */
export const MENU_PAGE_CHANNEL = 'tagscape-menu:page';
