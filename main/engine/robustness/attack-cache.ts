/**
 * Attacked jet sets cached in the run store (runs/<attacker>/attacks/<key>.h5 + .json), so metrics can be
 * recomputed without attacking again. The key covers everything the result depends on: the attack, the
 * attacker's weights (file hash), the data hash, the attacked rows, eps factors and the raw cap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { attackJets, type AttackResult } from '../attacks/apply.ts';
import { attackKey, type AttackOptions, type AttackSpec } from '../attacks/spec.ts';
import type { JetDataset } from '../data/dataset.ts';
import { readJetsH5, writeJetsH5, writeJetsH5Chunked } from '../data/h5.ts';
import { sha256File, sha256Text } from '../data/hash.ts';
import { readJson, writeJsonAtomic } from '../store/atomic.ts';
import type { LoadedRun } from '../store/run-model.ts';
import { Workspace } from '../store/workspace.ts';
import { gather } from '../data/gather.ts';

export interface CachedAttack {
  raw: Float32Array;
  stats: AttackResult['stats'];
  key: string;
  cached: boolean;
}

function rowsHash(rows: ArrayLike<number>): string {
  return sha256Text(Buffer.from(Uint32Array.from(rows).buffer).toString('base64'));
}

/**
 * The attacked jets `rows` (row indices in the data file, which key the cache), found in `data` at
 * positions `at`: the rows themselves when data is the file loaded whole, else where those rows were read.
 */
export async function attackCached(
  workspace: string, attacker: LoadedRun, data: JetDataset, rows: ArrayLike<number>, spec: AttackSpec, options: AttackOptions = {}, at: ArrayLike<number> = rows,
): Promise<CachedAttack> {
  const ws = new Workspace(workspace);
  const name = attacker.config.name;
  const key = sha256Text(
    JSON.stringify({
      attack: attackKey(spec),
      weights: sha256File(ws.file(name, 'model.bin')),
      data: data.source.hash,
      rows: rowsHash(rows),
      factors: options.epsFactors ? Array.from(options.epsFactors) : null,
      rawCap: options.rawCap ?? null,
    }),
  ).slice(0, 24);
  const h5 = ws.file(name, path.join('attacks', `${key}.h5`));
  const meta = ws.file(name, path.join('attacks', `${key}.json`));
  if (fs.existsSync(h5) && fs.existsSync(meta)) {
    try {
      const stored = await readJetsH5(h5);
      const { stats } = readJson<{ stats: AttackResult['stats'] }>(meta);
      return { raw: stored.features, stats, key, cached: true };
    } catch {
      // A damaged cache entry is recomputed below and overwritten.
    }
  }
  const result = attackJets({
    model: attacker.model, standardizer: attacker.standardizer, schema: data.schema, loss: attacker.config.train.loss,
    raw: data.features, labels: data.labels, rows: at, spec, options,
  });
  await writeAttackedSet(h5, data, rows, result.raw, { attack: attackKey(spec), attack_run: name, data: data.source.spec }, at);
  writeJsonAtomic(meta, { attack: attackKey(spec), spec, attack_run: name, data: data.source.spec, data_hash: data.source.hash, stats: result.stats });
  return { raw: result.raw, stats: result.stats, key, cached: false };
}

/** Jets per block written to an attacked set: h5wasm stages each block in its heap, which never shrinks. */
const WRITE_BLOCK_ROWS = 8192;

/**
 * Attacked jets in the data-file layout, with `source_index` = row in the input file. The features are
 * written a block at a time (a chunked dataset), so writing costs one block of h5wasm heap, not a copy of the set.
 * `at`: the rows' positions in `data` (see attackCached).
 */
export async function writeAttackedSet(file: string, data: JetDataset, rows: ArrayLike<number>, raw: Float32Array, attributes: Record<string, string>, at: ArrayLike<number> = rows): Promise<void> {
  const F = data.schema.features.length;
  const labels = gather(data.labels, at);
  const weights = data.weights ? gather(data.weights, at) : undefined;
  const options = { extra: { source_index: Int32Array.from(rows) }, attributes };
  if (rows.length === 0) {
    await writeJetsH5(file, { schema: data.schema, n: 0, features: raw, labels, weights, source: data.source }, options);
    return;
  }
  await writeJetsH5Chunked(
    file, data.schema, rows.length,
    (s, e) => ({ features: raw.subarray(s * F, e * F), labels: labels.subarray(s, e), weights: weights?.subarray(s, e) }),
    { ...options, blockRows: WRITE_BLOCK_ROWS },
  );
}
