/**
 * The UCI Jet Flavor data set as distributed (`dataset.json.gz`, Guest et al., arXiv:1607.08633), read as
 * the paper's code reads it (AnnikaStein/Adversarial-Training-for-Jet-Tagging: preparations/
 * read_dataset.ipynb, clean_preprocess.ipynb, helpers/variables.py). The text is one jet per line, a
 * JSON array written by the Delphes + RAVE ntuple writer (dguest/delphes-rave, modules/HDF5Writer.cc):
 *
 *   [pt, eta, flavour,
 *    [8 track-based jet variables], [6 secondary-vertex variables],
 *    [track, ...]]   each track  [[d0, z0, phi, theta, q/p], [15 covariance entries], [weight], [7 vertex variables]]
 *
 * NaN and infinities are the strings "NaN", "-NaN", "inf", "-inf". Tracks are ranked by signed d0
 * significance d0/sqrt(cov(d0, d0)), highest first (a NaN significance ranks last), and the first six
 * fill the schema's track slots; a jet with fewer tracks gets the default in the empty slots. As in the
 * paper's cleaning, a NaN/Inf entry and an entry below its feature's default (such as the writer's -1
 * "no vertex" markers) become the default; both are counted. Flavours 5, 4, 0 are b, c, udsg.
 *
 * The file is gunzipped (when it starts with the gzip magic bytes) and parsed a line at a time, so memory
 * holds one line of text and the jets' float32 inputs (twice while its blocks are joined), never the file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { featureIndex, getSchema, type FeatureSchema } from '../schema/index.ts';
import type { ImportReport, LoadedData } from './mapping.ts';

/** Entry 3 of a jet line, in order. */
const TRACKING = [
  'track_2_d0_significance', 'track_3_d0_significance', 'track_2_z0_significance', 'track_3_z0_significance',
  'n_tracks_over_d0_threshold', 'jet_prob', 'jet_width_eta', 'jet_width_phi',
];
/** Entry 4 of a jet line, in order. */
const VERTEX = ['vertex_significance', 'n_secondary_vertices', 'n_secondary_vertex_tracks', 'delta_r_vertex', 'vertex_mass', 'vertex_energy_fraction'];
/** A track's four lists and the schema fields they hold, in order. */
const TRACK_PARTS: string[][] = [
  ['D0', 'Z0', 'PHI', 'THETA', 'QOVERP'],
  ['D0D0', 'Z0D0', 'Z0Z0', 'PHID0', 'PHIZ0', 'PHIPHI', 'THETAD0', 'THETAZ0', 'THETAPHI', 'THETATHETA', 'QOVERPD0', 'QOVERPZ0', 'QOVERPPHI', 'QOVERPTHETA', 'QOVERPQOVERP'],
  ['weight'],
  ['vertex_mass', 'vertex_displacement', 'vertex_delta_eta_jet', 'vertex_delta_phi_jet', 'vertex_displacement_significance', 'vertex_n_tracks', 'vertex_energy_fraction'],
];
const TRACK_SHAPE = `[[${TRACK_PARTS.map((p) => p.length).join('], [')}]]`;
const SLOTS = 6;
const FLAVOURS = new Map([[5, 'b'], [4, 'c'], [0, 'udsg']]);
const SPECIAL = /^[+-]?(nan|inf|infinity)$/i;
/** A jet line is a few kB (at most 33 tracks); a far longer one is not this format, and must not grow without bound. */
const MAX_LINE_CHARS = 1 << 20;
const JETS_PER_CHUNK = 4096;
const AGAIN = "check that it is the UCI Jet Flavor data set's dataset.json.gz and download it again";

/** A problem with the file's content, already one sentence; anything else thrown while reading is an I/O or gzip failure. */
class ContentError extends Error {}

export interface UciJsonOptions {
  /** Score columns of existing taggers: the data set has none, so asking for one is refused. */
  external?: string[];
}

/** Where each schema input comes from in a jet line. */
interface Layout {
  schema: FeatureSchema;
  jet: { pt: number; eta: number; tracking: number[]; vertex: number[] };
  /** Schema index of part p, entry e, track slot k: track[p][e][k]. */
  track: number[][][];
  defaults: Float64Array;
}

function layoutOf(schema: FeatureSchema): Layout {
  const at = (name: string) => featureIndex(schema, name);
  return {
    schema,
    jet: { pt: at('jet_pt'), eta: at('jet_eta'), tracking: TRACKING.map(at), vertex: VERTEX.map(at) },
    track: TRACK_PARTS.map((part) => part.map((field) => Array.from({ length: SLOTS }, (_, k) => at(`track_${k}_${field}`)))),
    defaults: Float64Array.from(schema.features, (f) => f.defaultValue),
  };
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (x === null) return 'null';
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return JSON.stringify(x.slice(0, 30));
  return String(x);
}

function isListOf(x: unknown, n: number): x is unknown[] {
  return Array.isArray(x) && x.length === n;
}

/** What one line did to the values, summed over the file. */
interface Counts {
  nonfinite: Float64Array;
  below: number;
}

/** One jet line into its row of inputs; returns the class index. */
function parseJet(line: string, where: string, layout: Layout, row: Float32Array, counts: Counts): number {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    throw new ContentError(`${where} is not valid JSON; the file holds one JSON array per jet and line, so it is damaged or not this format: ${AGAIN}.`);
  }
  if (!isListOf(a, 6)) {
    throw new ContentError(`${where} is ${describe(a)}, not a jet [pt, eta, flavour, [8 track variables], [6 vertex variables], [tracks]]; ${AGAIN}.`);
  }
  const [pt, eta, flavour, tracking, vertex, tracks] = a;
  const num = (x: unknown, what: string): number => {
    if (typeof x === 'number') return x;
    if (typeof x === 'string' && SPECIAL.test(x)) return /nan/i.test(x) ? NaN : x.startsWith('-') ? -Infinity : Infinity;
    throw new ContentError(`${where}: ${what} is ${describe(x)}, not a number; ${AGAIN}.`);
  };
  const flav = num(flavour, 'the flavour (entry 2)');
  const cls = layout.schema.classes.indexOf(FLAVOURS.get(flav) ?? '');
  if (cls < 0) throw new ContentError(`${where} has flavour ${describe(flavour)}, which is none of 5 (b), 4 (c), 0 (light); drop those jets or relabel them before importing.`);
  if (!isListOf(tracking, TRACKING.length)) throw new ContentError(`${where}: entry 3 should list the ${TRACKING.length} track-based jet variables but is ${describe(tracking)}; ${AGAIN}.`);
  if (!isListOf(vertex, VERTEX.length)) throw new ContentError(`${where}: entry 4 should list the ${VERTEX.length} secondary-vertex variables but is ${describe(vertex)}; ${AGAIN}.`);
  if (!Array.isArray(tracks)) throw new ContentError(`${where}: entry 5 should list the tracks but is ${describe(tracks)}; ${AGAIN}.`);

  const put = (j: number, x: unknown, what: string) => {
    const v = num(x, what);
    const d = layout.defaults[j];
    if (!Number.isFinite(v)) {
      if (Number.isNaN(d)) throw new ContentError(`${where}: ${what} is ${describe(x)} and ${layout.schema.features[j].name} has no default value; drop that jet before importing.`);
      counts.nonfinite[j]++;
      row[j] = d;
    } else if (v < d) {
      counts.below++;
      row[j] = d;
    } else row[j] = v;
  };
  put(layout.jet.pt, pt, 'the jet pT (entry 0)');
  put(layout.jet.eta, eta, 'the jet eta (entry 1)');
  layout.jet.tracking.forEach((j, e) => put(j, tracking[e], `entry 3[${e}]`));
  layout.jet.vertex.forEach((j, e) => put(j, vertex[e], `entry 4[${e}]`));

  const keys = tracks.map((t, i) => {
    if (!(Array.isArray(t) && t.length === TRACK_PARTS.length && TRACK_PARTS.every((p, k) => isListOf(t[k], p.length)))) {
      const shape = Array.isArray(t) ? `[${t.map((p) => (Array.isArray(p) ? `[${p.length}]` : describe(p))).join(', ')}]` : describe(t);
      throw new ContentError(`${where}: track ${i} should be ${TRACK_SHAPE} numbers but is ${shape}; ${AGAIN}.`);
    }
    return num(t[0][0], `track ${i} d0`) / Math.sqrt(num(t[1][0], `track ${i} cov(d0, d0)`));
  });
  const order = keys.map((_, i) => i).sort((p, q) => {
    const [kp, kq] = [keys[p], keys[q]];
    if (Number.isNaN(kp) || Number.isNaN(kq)) return Number(Number.isNaN(kp)) - Number(Number.isNaN(kq));
    return kp === kq ? 0 : kp > kq ? -1 : 1;
  });
  for (let k = 0; k < SLOTS; k++) {
    const t = k < order.length ? (tracks[order[k]] as unknown[][]) : null;
    TRACK_PARTS.forEach((part, p) => part.forEach((_, e) => {
      const j = layout.track[p][e][k];
      if (t) put(j, t[p][e], `track ${order[k]} entry [${p}][${e}]`);
      else row[j] = layout.defaults[j];
    }));
  }
  return cls;
}

function startsWithGzipMagic(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Read a UCI Jet Flavor `dataset.json.gz` (or its gunzipped `.json`) onto the 184-input UCI schema. */
export async function readUciJson(file: string, options: UciJsonOptions = {}): Promise<LoadedData> {
  const abs = path.resolve(file);
  if (options.external?.length) throw new Error(`${file}: the UCI Jet Flavor data set holds no external tagger scores; --external needs a ROOT, NumPy, Parquet or CSV file.`);
  if (fs.statSync(abs).size === 0) throw new Error(`${file}: the file is empty; copy or download it again.`);
  const layout = layoutOf(getSchema('uci'));
  const F = layout.schema.features.length;
  const counts: Counts = { nonfinite: new Float64Array(F), below: 0 };
  const chunks: Float32Array[] = [];
  let chunk = new Float32Array(JETS_PER_CHUNK * F);
  let labels = new Int32Array(JETS_PER_CHUNK);
  let n = 0;
  let lineNo = 0;

  const take = (line: string) => {
    lineNo++;
    if (line.trim() === '') return;
    const k = n % JETS_PER_CHUNK;
    if (k === 0 && n > 0) {
      chunks.push(chunk);
      chunk = new Float32Array(JETS_PER_CHUNK * F);
    }
    if (n === labels.length) {
      const grown = new Int32Array(2 * labels.length);
      grown.set(labels);
      labels = grown;
    }
    labels[n] = parseJet(line, `${file}: line ${lineNo} (jet ${n})`, layout, chunk.subarray(k * F, (k + 1) * F), counts);
    n++;
  };

  const hash = crypto.createHash('sha256');
  const tap = new Transform({
    transform(bytes: Buffer, _enc, done) {
      hash.update(bytes);
      done(null, bytes);
    },
  });
  // pipeline() may reject with its own AbortError once the consumer throws: keep the consumer's sentence.
  let contentError: ContentError | null = null;
  try {
    await pipeline(fs.createReadStream(abs), tap, startsWithGzipMagic(abs) ? createGunzip() : new PassThrough(), async (text: AsyncIterable<Buffer>) => {
      const decoder = new StringDecoder('utf8');
      let pending = '';
      try {
        for await (const bytes of text) {
          pending += decoder.write(bytes);
          let start = 0;
          for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
            take(pending.slice(start, nl));
            start = nl + 1;
          }
          pending = pending.slice(start);
          if (pending.length > MAX_LINE_CHARS) {
            throw new ContentError(`${file}: line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters, so this is not the one-jet-per-line UCI format; ${AGAIN}.`);
          }
        }
        take(pending + decoder.end());
      } catch (e) {
        if (e instanceof ContentError) contentError = e;
        throw e;
      }
    });
  } catch (e) {
    if (contentError) throw new Error((contentError as ContentError).message);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR') throw new Error(`${file}: the gzip data end early, after line ${lineNo} (the file is truncated); copy or download it again.`);
    if (err.code?.startsWith('Z_')) throw new Error(`${file}: the gzip data are damaged after line ${lineNo} (${err.message}); copy or download the file again.`);
    throw new Error(`${file}: cannot be read (${err.message}).`);
  }
  if (n === 0) throw new Error(`${file}: holds no jets (no lines of data); ${AGAIN}.`);

  const features = new Float32Array(n * F);
  chunks.push(chunk);
  chunks.forEach((c, i) => features.set(c.subarray(0, Math.min(JETS_PER_CHUNK, n - i * JETS_PER_CHUNK) * F), i * JETS_PER_CHUNK * F));
  const nonfiniteByFeature = Object.fromEntries(layout.schema.features.flatMap((f, j) => (counts.nonfinite[j] > 0 ? [[f.name, counts.nonfinite[j]]] : [])));
  const report: ImportReport = {
    format: 'uci-json',
    features_found: foundAt(layout),
    features_missing: [],
    reset_slots: 0,
    nonfinite_replaced: counts.nonfinite.reduce((s, c) => s + c, 0),
    nonfinite_by_feature: nonfiniteByFeature,
    below_default_replaced: counts.below,
    selection: null,
    external_taggers: [],
  };
  return {
    data: { schema: layout.schema, n, features, labels: labels.slice(0, n), source: { spec: abs, hash: hash.digest('hex'), kind: 'uci-json' } },
    report,
    external: [],
  };
}

/** Each input's place in a jet line, for the import report. */
function foundAt(layout: Layout): Record<string, string> {
  const names = layout.schema.features.map((f) => f.name);
  const out: Record<string, string> = { [names[layout.jet.pt]]: '[0]', [names[layout.jet.eta]]: '[1]' };
  layout.jet.tracking.forEach((j, e) => (out[names[j]] = `[3][${e}]`));
  layout.jet.vertex.forEach((j, e) => (out[names[j]] = `[4][${e}]`));
  layout.track.forEach((part, p) => part.forEach((slots, e) => slots.forEach((j, k) => (out[names[j]] = `[5][track ${k} by d0 significance][${p}][${e}]`))));
  return out;
}
