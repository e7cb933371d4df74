/**
 * Where a streamed run keeps its scratch files (rows.ts): runs/<name>/.scratch/, inside the workspace the
 * user chose for the run's data rather than the system temp folder, which may be small or held in memory.
 * Training deletes them when it ends; a process that was killed (kill -9, a crash, a reboot) cannot, so
 * every start or resume first clears what such processes left: the scratch of the run it is about to
 * train, and of every run of the workspace that no live process is training. Run listing ignores the
 * folder (a run is a folder with config.json) and deleting a run removes it with the rest.
 */
import fs from 'node:fs';
import type { Workspace } from '../store/workspace.ts';

export function scratchDir(ws: Workspace, name: string): string {
  return ws.file(name, '.scratch');
}

/**
 * Remove stale scratch folders. `name` is the run this process is about to train (whose status it has
 * just checked); any other run is swept only when its status says no live process trains it, which a
 * resume makes sure of by marking its run running before it writes scratch files.
 */
export function sweepScratch(ws: Workspace, name: string): void {
  for (const run of new Set([name, ...ws.list()])) {
    if (run !== name && ws.status(run).status === 'running') continue;
    fs.rmSync(scratchDir(ws, run), { recursive: true, force: true });
  }
}
