#!/usr/bin/env node
// The tagscape command line. TypeScript sources run through tsx, so a checkout works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
