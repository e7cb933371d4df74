/**
 * Limits of the loss-surface grid, shared by the engine, the API contract, the command line and the
 * Landscape page. Plain data, so the window can import it without the engine.
 */

/**
 * Points per axis of a loss surface, at most: the paper's per-jet maps are 500 x 500, and 501 keeps 0
 * exactly on the middle grid point. A 501 x 501 map around one jet is 251k network evaluations (a few
 * seconds) and about 5 MB of JSON.
 */
export const LANDSCAPE_GRID_MAX = 501;

/**
 * Cells a map on screen shows at most: ECharts lags past about 100k heatmap cells, so larger grids are
 * thinned for display (every k-th point per axis) while the JSON and the exported figures keep them whole.
 */
export const SCREEN_CELLS_MAX = 40_000;
