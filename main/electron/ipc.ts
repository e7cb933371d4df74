/**
 * One IPC call from the window to the engine: only from Tagscape's own page in its top frame, no larger
 * than the loopback server accepts, reading only data files the user opened, then validated against the shared contract by the same dispatch
 * the server uses. Electron-free, so the checks are unit-tested under plain Node.
 */
import v8 from 'node:v8';
import { EXPORT_OPERATIONS, MAX_EXPORT_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES, type Reply } from '../../shared/api/contract.ts';
import { dispatch, type Handlers } from '../server/handlers.ts';
import type { FileGrants } from './file-access.ts';
import { isAppUrl } from './window-options.ts';

/** What the check needs of Electron's event.senderFrame (a WebFrameMain, or null once it is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only Tagscape's own page, in its top frame, may call main. */
export function fromAppPage(frame: SenderFrame | null): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

export const NOT_FROM_APP = 'Refused: the request did not come from Tagscape\'s own page.';

export async function ipcCall(handlers: Handlers, op: string, payload: unknown, frame: SenderFrame | null, grants?: FileGrants): Promise<Reply<unknown>> {
  if (!fromAppPage(frame)) return { ok: false, error: NOT_FROM_APP };
  // IPC carries structured clones, not JSON: measure the clone itself.
  let size: number;
  try {
    size = v8.serialize(payload).length;
  } catch {
    return { ok: false, error: `Invalid ${op} request: it holds values that cannot be sent.` };
  }
  const limit = EXPORT_OPERATIONS.includes(op) ? MAX_EXPORT_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
  if (size > limit) return { ok: false, error: `The request is larger than ${limit} bytes.` };
  const refused = grants?.refusal(payload);
  if (refused) return { ok: false, error: refused };
  return dispatch(handlers, op, payload);
}
