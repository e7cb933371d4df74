import crypto from 'node:crypto';
import fs from 'node:fs';

/** SHA-256 of the file's bytes, followed by `extra` when given (a mapping that changes what the bytes mean). */
export function sha256File(file: string, extra?: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  if (extra !== undefined) h.update(extra);
  return h.digest('hex');
}

export function sha256Text(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
