/**
 * Which data files the window may have the engine read. In the desktop app a page reaches the file system
 * only through the Open dialog: a path the user picked there is granted for the session, and a typed path
 * that was never picked is refused (the loopback server, reached with its token from the user's own
 * browser, keeps typed paths). Synthetic data and run names (inside the workspace) need no grant.
 * Electron-free, so it is unit-tested under plain Node.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DATA_FILE_EXTENSIONS = ['root', 'h5', 'hdf5', 'npy', 'npz', 'parquet', 'csv', 'json', 'gz'];

/**
 * A file dropped on the window (its path from the preload's webUtils.getPathForFile), or chosen from the
 * File menu's Open recent: readable when it is an existing regular file with a data file's extension.
 * The user chose it as surely as in the Open dialog, so it is then granted like one.
 */
export function isDataFile(file: unknown): file is string {
  if (typeof file !== 'string' || !path.isAbsolute(file)) return false;
  const ext = path.extname(file).slice(1).toLowerCase();
  if (!DATA_FILE_EXTENSIONS.includes(ext)) return false;
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Every data spec a contract payload names: `data` of a request, and of the job it starts. */
export function dataSpecs(payload: unknown): string[] {
  const found: string[] = [];
  const look = (o: unknown) => {
    if (o && typeof o === 'object' && typeof (o as { data?: unknown }).data === 'string') found.push((o as { data: string }).data);
  };
  look(payload);
  if (payload && typeof payload === 'object') look((payload as { job?: unknown }).job);
  return found;
}

export class FileGrants {
  private readonly granted = new Set<string>();

  /** @param recorded the data files the workspace's runs were trained on (granted too, so a run can be
   * evaluated or resumed in a later session without opening its file again) */
  constructor(private readonly recorded: () => string[] = () => []) {}

  grant(file: string): void {
    this.granted.add(path.resolve(file));
  }

  /** The sentence refusing the first data file in the payload the user never opened; null when all may be read. */
  refusal(payload: unknown): string | null {
    for (const spec of dataSpecs(payload)) {
      if (spec.startsWith('synthetic:')) continue;
      if (!path.isAbsolute(spec) || !this.allowed(path.resolve(spec))) {
        return `Tagscape reads only files you opened: choose "${path.basename(spec)}" with Open file… on the Data page first.`;
      }
    }
    return null;
  }

  private allowed(file: string): boolean {
    return this.granted.has(file) || this.recorded().some((r) => path.isAbsolute(r) && path.resolve(r) === file);
  }
}

/** The data files recorded in the runs' configs of a workspace (`config.json` → data.spec). */
export function recordedDataFiles(ws: { list(): string[]; readJsonIfExists<T>(name: string, rel: string): T | null }): string[] {
  return ws.list().flatMap((run) => {
    const spec = ws.readJsonIfExists<{ data?: { spec?: unknown } }>(run, 'config.json')?.data?.spec;
    return typeof spec === 'string' ? [spec] : [];
  });
}
