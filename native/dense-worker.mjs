// A worker thread of the fast dense kernels (main/engine/fast/pool.ts): runs its share of each operation
// on its own wasm instance, then flags completion in the shared control array, which the main thread
// waits on. Errors are reported there too, with the message in the shared error buffer.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { runOp } from './dense-ops.mjs';

const ctrl = new Int32Array(workerData.ctrl);
const err = new Uint8Array(workerData.err);
const cache = new Map();
// A worker that cannot load the kernels still answers every request (with the error): the main thread
// is blocked until it does.
let module = null;
let loadError = null;
try {
  module = new WebAssembly.Module(fs.readFileSync(workerData.wasm));
} catch (e) {
  loadError = e;
}

parentPort.on('message', ({ id, op, args, share }) => {
  let status = id;
  try {
    if (loadError) throw loadError;
    runOp(cache, module, op, args, share);
  } catch (e) {
    const text = new TextEncoder().encode(String(e && e.stack ? e.stack : e).slice(0, err.length - 1));
    err.fill(0);
    err.set(text);
    status = -id;
  }
  Atomics.store(ctrl, workerData.index, status);
  Atomics.notify(ctrl, workerData.index);
});
