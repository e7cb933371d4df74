#!/usr/bin/env -S node --max-semi-space-size=1 --expose-gc
// `npm start`: the desktop window, fetching Electron's binary on the first start, or the same UI on
// loopback when it cannot be had (main/cli/start.ts). TypeScript sources run through tsx, as for the CLI.
import { register } from 'tsx/esm/api';

register();
if (!process.env.TAGSCAPE_DEBUG) process.setSourceMapsEnabled(false);
const { start } = await import('../main/cli/start.ts');
try {
  await start(process.argv.slice(2));
} catch (err) {
  // A failed build: one sentence (the bundler's own messages are above it).
  process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
