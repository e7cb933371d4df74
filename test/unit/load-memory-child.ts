/**
 * Child of load-memory.test.ts: loads FILE whole as robustness, landscape and the Data page do, and prints
 * the process's peak resident memory before the load (modules and h5wasm loaded: the fixed overhead) and
 * after it.
 */
// As bin/tagscape.js: source maps off (they keep every loaded module's map in memory).
process.setSourceMapsEnabled(false);
const file = process.argv[2];
const { loadWhole } = await import('../../main/engine/data/whole.ts');
const { loadH5wasm } = await import('../../main/engine/data/h5.ts');
await loadH5wasm();
const peak = () => process.resourceUsage().maxRSS * 1024;
const before = peak();
const d = await loadWhole(file);
process.stdout.write(JSON.stringify({ jets: d.n, raw_bytes: d.features.byteLength, before, after: peak() }) + '\n');
