/**
 * The Data page's operations on one file, as the loopback server runs them: the server's modules loaded
 * and its backend initialised (as `tagscape serve` does), then `dataSummary` and `dataPage` dispatched
 * through the handler registry, which reads a large .h5 file from disk (one pass for the summary,
 * the rows in view for the page) and loads any other data whole. Run by bench/stream-memory.ts under
 * bench/rss-probe.mjs; prints the summary's jet and class counts as JSON.
 *
 *   node --import tsx bench/data-page-probe.ts FILE WORKSPACE
 */
// As bin/tagscape.js: source maps off (they keep every loaded module's map in memory).
process.setSourceMapsEnabled(false);
const [file, workspace] = process.argv.slice(2);
if (!file || !workspace) throw new Error('usage: data-page-probe.ts FILE WORKSPACE');
const { initBackend } = await import('../main/engine/backend.ts');
await import('../main/server/serve.ts');
const { createHandlers, dispatch } = await import('../main/server/handlers.ts');
await initBackend();
// The Data page needs no jobs; the registry only reads maxConcurrent for `info`.
const handlers = createHandlers(workspace, { maxConcurrent: 1 } as never);
const summary = await dispatch(handlers, 'dataSummary', { data: file });
if (!summary.ok) throw new Error(summary.error);
const page = await dispatch(handlers, 'dataPage', { data: file, offset: 0, limit: 50 });
if (!page.ok) throw new Error(page.error);
const s = summary.result as { jets: number; classes: Record<string, number> };
process.stdout.write(JSON.stringify({ jets: s.jets, classes: s.classes }) + '\n');
