import fs from 'node:fs';
import path from 'node:path';
import { describeBackend } from '../../engine/backend.ts';
import { engineInfo } from '../../engine/engine-info.ts';
import { serve } from '../../server/serve.ts';
import { optionalNumber, requireString, type CommandSpec } from '../args.ts';
import { ensureRendererBuild } from '../ui-build.ts';

export const serveCommand: CommandSpec = {
  name: 'serve',
  usage: 'tagscape serve --workspace DIR [--port P] [--max-jobs N]',
  options: { workspace: { type: 'string' }, port: { type: 'string' }, 'max-jobs': { type: 'string' } },
  help: [
    ['--workspace DIR', 'workspace folder (created if missing)'],
    ['--port P', 'port on 127.0.0.1; 0 picks a free one (default 0)'],
    ['--max-jobs N', 'job processes at once (default cores - 1)'],
  ],
  async run(v) {
    const workspace = path.resolve(requireString(v, 'workspace', 'serve'));
    fs.mkdirSync(workspace, { recursive: true });
    // A checkout after a plain `npm install` has no built UI yet: build it now rather than answer 503.
    const staticDir = ensureRendererBuild();
    const backend = await engineInfo();
    process.stderr.write(`backend: ${describeBackend(backend)}\n`);
    const server = await serve({ workspace, staticDir, port: optionalNumber(v, 'port', { integer: true, min: 0 }) ?? 0, maxJobs: optionalNumber(v, 'max-jobs', { integer: true, min: 1 }) });
    process.stdout.write(`Tagscape UI: ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
