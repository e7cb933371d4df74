// Preloaded (node --require) into the electron package's install.js by electron-download.ts. A failed
// fetch() rejects with just "fetch failed", its reason (DNS, refused, reset) in err.cause, and install.js
// prints only err.stack: name the URL and the reason in the message, so the fallback sentence can.
'use strict';
const fetch = globalThis.fetch;
globalThis.fetch = async function fetchWithReason(input, init) {
  try {
    return await fetch(input, init);
  } catch (err) {
    const cause = err && err.cause;
    const why = cause ? cause.message || cause.code || String(cause) : err && err.message;
    throw new Error(`could not fetch ${String(input && input.url ? input.url : input)}: ${why}`, { cause: err });
  }
};
