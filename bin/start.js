#!/usr/bin/env node
// `npm start`. The desktop window (issue #5) and the UI it shows (issue #6) are not built yet; until then
// this says so in one line and shows what the study engine and `tagscape serve` (the API) offer today.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.stderr.write('Tagscape: the desktop window and UI are not built yet (issues #5, #6); the study engine runs from the command line, and `npx tagscape serve` serves its API:\n\n');
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tagscape.js'), '--help'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
