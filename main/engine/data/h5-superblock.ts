/**
 * Reads just enough of an HDF5 superblock to tell "not HDF5" from "HDF5 but truncated" before the
 * library sees the file: the superblock records the end-of-file address the writer produced.
 */
import fs from 'node:fs';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export type SuperblockCheck = { ok: true } | { ok: false; reason: 'not-hdf5' } | { ok: false; reason: 'truncated'; expected: number; actual: number };

export function checkHdf5File(file: string): SuperblockCheck {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(128);
    // The superblock sits at 0 or, after a user block, at 512, 1024, 2048, ...
    for (let base = 0; base < size && base <= 1 << 20; base = base === 0 ? 512 : base * 2) {
      const n = fs.readSync(fd, head, 0, head.length, base);
      if (n < 8 || !head.subarray(0, 8).equals(SIGNATURE)) continue;
      const version = head[8];
      let eofAt: number;
      let offsetSize: number;
      if (version === 0 || version === 1) {
        offsetSize = head[13];
        eofAt = 24 + (version === 1 ? 4 : 0) + 2 * offsetSize;
      } else {
        offsetSize = head[9];
        eofAt = 12 + 2 * offsetSize;
      }
      if (offsetSize !== 8 && offsetSize !== 4) return { ok: true };
      if (eofAt + offsetSize > n) return { ok: false, reason: 'truncated', expected: eofAt + offsetSize, actual: size };
      const eof = offsetSize === 8 ? Number(head.readBigUInt64LE(eofAt)) : head.readUInt32LE(eofAt);
      if (base + eof > size) return { ok: false, reason: 'truncated', expected: base + eof, actual: size };
      return { ok: true };
    }
    return { ok: false, reason: 'not-hdf5' };
  } finally {
    fs.closeSync(fd);
  }
}
