/**
 * `npm run build`: the desktop bundles under out/ (electron-vite; no Electron binary needed).
 * - out/main/index.js: the Electron main process (main/electron/app.ts), ESM.
 * - out/main/job-entry.js: the job process entry, started by utilityProcess.fork from the main bundle
 *   (and by child_process.fork in the build test); its own entry so it never loads Electron.
 * - out/preload/index.cjs: the preload. Sandboxed preloads cannot load ES modules or node_modules, so it
 *   is one self-contained CommonJS file whose only require is 'electron'.
 * - out/renderer/: the Vue UI, with the same settings as renderer/vite.config.ts.
 * The main-process bundles keep every runtime dependency external (package.json "dependencies" plus the
 * optional native tfjs-node): native addons (.node) and WebAssembly files must stay real files in
 * node_modules, where tfjs-node, tfjs-backend-wasm, h5wasm and resvg look them up at run time.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const { outDir: _rendererDist, ...rendererBuild } = renderer.build ?? {};

export default defineConfig({
  main: {
    build: {
      emptyOutDir: true,
      externalizeDeps: { include: ['@tensorflow/tfjs-node'] },
      rolldownOptions: {
        input: {
          index: path.join(root, 'main', 'electron', 'app.ts'),
          'job-entry': path.join(root, 'main', 'jobs', 'job-entry.ts'),
        },
        // Shared code in out/main itself, not out/main/chunks: every module then sits two folders below
        // the app root as its source does, so engine paths resolved from import.meta.url (the version read
        // from ../../package.json) hold in the bundle too.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      emptyOutDir: true,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: path.join(root, 'main', 'electron', 'preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...renderer,
    // electron-vite puts it under out/renderer (or --outDir/renderer), next to the main bundle.
    build: { ...rendererBuild, emptyOutDir: true, rolldownOptions: { input: path.join(root, 'renderer', 'index.html') } },
  },
});
