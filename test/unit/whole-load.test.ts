import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeJetsH5 } from '../../main/engine/data/h5.ts';
import { loadData } from '../../main/engine/data/load.ts';
import { checkWholeLoad, loadWhole, wholeLoadBytes, wholeLoadLimit } from '../../main/engine/data/whole.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { tmpDir } from '../helpers.ts';

describe('the size check before a whole load', () => {
  const dir = tmpDir('tagscape-whole-');

  it('allows an eighth of the memory', () => {
    const limit = wholeLoadLimit();
    assert.ok(limit > 0 && limit <= os.totalmem() / 8, `${limit} bytes`);
  });

  it('estimates generated jets as n x 67 x 4 bytes and a file by its size', async () => {
    assert.equal(wholeLoadBytes('synthetic:1000'), 1000 * 67 * 4);
    const file = path.join(dir, 'jets.h5');
    await writeJetsH5(file, generateJets({ jets: 200, seed: 4 }));
    assert.equal(wholeLoadBytes(file), fs.statSync(file).size);
    assert.equal(wholeLoadBytes(path.join(dir, 'missing.h5')), 0);
    // Gzipped UCI JSON holds several times its size in inputs; its unpacked text about a third.
    const gz = path.join(dir, 'dataset.json.gz');
    fs.writeFileSync(gz, Buffer.alloc(1000));
    assert.ok(wholeLoadBytes(gz) > 3 * 1000);
    const json = path.join(dir, 'dataset.JSON');
    fs.writeFileSync(json, Buffer.alloc(1000));
    assert.ok(wholeLoadBytes(json) < 1000 / 2);
  });

  it('loads what fits exactly as loadData does, and refuses the rest before reading a byte', async () => {
    const file = path.join(dir, 'jets.h5');
    const size = fs.statSync(file).size;
    const whole = await loadWhole(file, { maxBytes: size });
    assert.deepEqual(whole, await loadData(file));
    // Bytes no reader accepts: the refusal is about the size, so the file was never parsed.
    const junk = path.join(dir, 'junk.h5');
    fs.writeFileSync(junk, Buffer.alloc(3_000_000, 7));
    await assert.rejects(
      loadWhole(junk, { maxBytes: 2_000_000, purpose: 'a loss surface' }),
      (e: Error) =>
        e.message === `${junk}: a loss surface needs every jet in memory, and junk.h5 (3 MB) is more than the 2 MB a whole load may take on this machine; use a file with fewer jets (training and evaluation stream files of any size).`,
    );
    assert.throws(() => checkWholeLoad('synthetic:1000', { maxBytes: 1000 * 67 * 4 - 1 }), /^Error: synthetic:1000: this step needs every jet in memory, and these 268 kB of generated jets are more than the 268 kB/);
    assert.doesNotThrow(() => checkWholeLoad('synthetic:1000', { maxBytes: 1000 * 67 * 4 }));
  });
});
