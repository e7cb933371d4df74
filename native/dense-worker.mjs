// A worker thread of the fast dense kernels (main/engine/fast/pool.ts): takes chunks of each operation
// on its own wasm instance (takeChunks counts it in flight in the operation's shared sync array, which the
// main thread waits on). An error sets the operation's failed flag and leaves its message in the shared
// error buffer. An operation sent with a `reply` id (one the main thread awaits instead of taking part in)
// is answered with that id, and the error's text if any, once this worker has no chunk of it left.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { takeChunks } from './dense-ops.mjs';

const err = new Uint8Array(workerData.err);
const cache = new Map();
// A worker that cannot load the kernels flags every operation it is sent as failed.
let module = null;
let loadError = null;
try {
  module = new WebAssembly.Module(fs.readFileSync(workerData.wasm));
} catch (e) {
  loadError = e;
}

parentPort.on('message', ({ op, args, chunks, sync, reply }) => {
  let error = null;
  try {
    if (loadError) {
      Atomics.store(sync, 2, 1);
      throw loadError;
    }
    takeChunks(cache, module, op, args, chunks, sync);
  } catch (e) {
    const text = new TextEncoder().encode(String(e && e.stack ? e.stack : e).slice(0, err.length - 1));
    err.fill(0);
    err.set(text);
    error = String(e && e.message ? e.message : e);
  }
  if (reply !== undefined) parentPort.postMessage({ reply, error });
});
