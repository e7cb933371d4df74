import fs from 'node:fs';
import path from 'node:path';
import { describeBackend, type BackendInfo } from '../../engine/backend.ts';
import { engineInfo } from '../../engine/engine-info.ts';
import { TAGSCAPE_VERSION } from '../../engine/version.ts';
import type { CommandSpec } from '../args.ts';
import { electronBinary, electronPackage } from '../electron-binary.ts';
import { makeOut } from '../output.ts';
import { defaultWorkspace } from '../start.ts';
import { APP_ROOT } from '../ui-build.ts';

/** The data formats Tagscape reads, each with the libraries its reader loads (a format is available when they all resolve). */
const FORMATS: Array<{ name: string; files: string; libraries: string[] }> = [
  { name: 'HDF5', files: '.h5 .hdf5', libraries: ['h5wasm/node'] },
  { name: 'ROOT', files: '.root', libraries: ['jsroot/io', 'jsroot/tree'] },
  { name: 'NumPy', files: '.npy .npz', libraries: ['npyjs', 'fflate'] },
  { name: 'Parquet', files: '.parquet', libraries: ['hyparquet', 'fflate'] },
  { name: 'CSV', files: '.csv', libraries: [] },
  { name: 'UCI Jet Flavor JSON', files: '.json .json.gz', libraries: [] },
  { name: 'synthetic', files: 'synthetic:N', libraries: [] },
];

export interface Diagnosis {
  version: string;
  node: string;
  platform: string;
  backend: BackendInfo;
  electron: { version: string | null; binary: string | null };
  formats: Array<{ name: string; files: string; available: boolean; missing: string[] }>;
  workspace: { path: string; exists: boolean; runs: number };
}

function resolves(spec: string): boolean {
  try {
    import.meta.resolve(spec);
    return true;
  } catch {
    return false;
  }
}

export async function diagnose(workspace = defaultWorkspace()): Promise<Diagnosis> {
  const pkg = electronPackage(APP_ROOT);
  const runs = path.join(workspace, 'runs');
  return {
    version: TAGSCAPE_VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend: await engineInfo(),
    electron: { version: pkg?.version ?? null, binary: electronBinary(pkg) },
    formats: FORMATS.map(({ name, files, libraries }) => {
      const missing = libraries.filter((l) => !resolves(l));
      return { name, files, available: missing.length === 0, missing };
    }),
    workspace: { path: workspace, exists: fs.existsSync(workspace), runs: fs.existsSync(runs) ? fs.readdirSync(runs).length : 0 },
  };
}

function electronLine(e: Diagnosis['electron']): string {
  if (!e.version) return 'not installed (run `npm install`); `npm start` serves the UI on loopback instead';
  if (e.binary) return `${e.version}, binary at ${e.binary}`;
  return `${e.version}, binary not downloaded yet (\`npm start\` downloads it; without it the UI is served on loopback)`;
}

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  usage: 'tagscape doctor [--json]',
  options: { json: { type: 'boolean' } },
  help: [['--json', 'print the findings as JSON on stdout']],
  async run(v) {
    const out = makeOut(Boolean(v.json));
    const d = await diagnose();
    const human = [
      `tagscape ${d.version} (Node ${d.node}, ${d.platform})`,
      `backend:      ${describeBackend(d.backend)}`,
      `electron:     ${electronLine(d.electron)}`,
      `data formats: ${d.formats.map((f) => `${f.name} (${f.files})${f.available ? '' : ` unavailable, missing ${f.missing.join(', ')}`}`).join('; ')}`,
      `workspace:    ${d.workspace.path} (${d.workspace.exists ? `${d.workspace.runs} run${d.workspace.runs === 1 ? '' : 's'}` : 'not created yet'}; TAGSCAPE_WORKSPACE names another)`,
    ].join('\n');
    out.result(d, human);
    return 0;
  },
};
