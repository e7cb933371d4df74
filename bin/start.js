#!/usr/bin/env node
// `npm start`. The desktop window and its loopback fallback are the desktop-shell work (issue #5) and are
// not built yet; until then this says so in one line and shows what the study engine offers today.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.stderr.write('Tagscape: the desktop window is not built yet (see issue #5); the study engine runs from the command line:\n\n');
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tagscape.js'), '--help'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
