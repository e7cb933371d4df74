#!/usr/bin/env -S node --max-semi-space-size=1 --expose-gc
// The tagscape command line. TypeScript sources run through tsx, so a checkout works without a build step.
// The shebang's flags are main/engine/node-flags.ts's ENGINE_NODE_FLAGS (a test keeps them equal).
import { register } from 'tsx/esm/api';

register();
// tsx turns on source maps, which keep every loaded module's map in memory (~35 MB); they only matter for
// the stack traces that TAGSCAPE_DEBUG=1 prints.
if (!process.env.TAGSCAPE_DEBUG) process.setSourceMapsEnabled(false);
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
