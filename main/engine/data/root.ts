/**
 * CMS NanoAOD/PFNano ROOT files: the `Events` tree's jagged `Jet_*` branches, one row per jet, onto
 * the DeepCSV schema (jet_pt <- Jet_pt, jet_eta <- Jet_eta, every other input <- Jet_DeepCSV_<name>),
 * labelled from Jet_hadronFlavour, after a jet selection. Read with jsroot, through a file proxy of our
 * own so that a damaged file ends in an error naming it rather than in a crash or a silent hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getSchema, DEEPCSV_ETAREL_TRACKS, DEEPCSV_TRACKS } from '../schema/index.ts';
import { sha256File } from './hash.ts';
import { externalFromColumns, replaceNonFinite, type ExternalScores, type ImportReport, type LoadedData } from './mapping.ts';

export interface JetSelection {
  /** |eta| < etaMax: DeepCSV inputs exist only inside the tracker. */
  etaMax: number;
  /** ptMin < pT < ptMax in GeV: the range DeepCSV was trained on. */
  ptMin: number;
  ptMax: number;
}

export const DEFAULT_SELECTION: JetSelection = { etaMax: 2.5, ptMin: 20, ptMax: 1000 };

export interface RootOptions {
  selection?: Partial<JetSelection>;
  external?: string[];
  allowMissingFeatures?: boolean;
}

const TREE = 'Events';
const FLAVOUR = 'Jet_hadronFlavour';
const N_B_HADRONS = 'Jet_nBHadrons';

export function branchFor(feature: string): string {
  if (feature === 'jet_pt') return 'Jet_pt';
  if (feature === 'jet_eta') return 'Jet_eta';
  return `Jet_DeepCSV_${feature}`;
}

/** The ROOT header's own record of the file length tells "truncated" from "damaged". */
function checkHeader(file: string, abs: string): void {
  const size = fs.statSync(abs).size;
  if (size === 0) throw new Error(`${file}: the file is empty; copy or export it again.`);
  const head = Buffer.alloc(20);
  const fd = fs.openSync(abs, 'r');
  let got: number;
  try {
    got = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (got < 4 || head.toString('latin1', 0, 4) !== 'root') {
    throw new Error(`${file}: not a ROOT file (it does not start with "root"); Tagscape reads CMS NanoAOD/PFNano .root files.`);
  }
  if (got < 20) throw new Error(`${file}: truncated: the file has only ${size} bytes; copy or export it again.`);
  const version = head.readUInt32BE(4);
  const end = version >= 1000000 ? Number(head.readBigUInt64BE(12)) : head.readUInt32BE(12);
  if (end > size) throw new Error(`${file}: truncated: the file has ${size} bytes but its header says ${end}; copy or export it again.`);
}

/** A read past the end of the file: the file is shorter than its own records say. */
class Truncated extends Error {}

interface OpenRoot {
  tree: any;
  close: () => Promise<void>;
  jsroot: { TSelector: any; treeProcess: any };
}

/** jsroot is loaded only when a ROOT file is read: it is large, and the other commands never need it. */
async function openRoot(abs: string): Promise<OpenRoot> {
  // Specifiers held in variables: jsroot ships types only for its top-level entry point.
  const [ioName, treeName] = ['jsroot/io', 'jsroot/tree'];
  const io: any = await import(ioName);
  const treeMod: any = await import(treeName);
  const handle = await fs.promises.open(abs, 'r');
  const size = (await handle.stat()).size;
  let closed = false;
  // Every read is bounds-checked: jsroot's own node reader neither checks reads past the end nor closes the file.
  class BoundedFile extends io.FileProxy {
    async openFile() {
      return true;
    }
    getFileName() {
      return path.basename(abs);
    }
    getFileSize() {
      return size;
    }
    async readBuffer(pos: number, len: number) {
      // After a failure jsroot may still be reading in the background; it then waits forever, quietly.
      if (closed) return new Promise<never>(() => {});
      if (!(Number.isSafeInteger(pos) && Number.isSafeInteger(len) && pos >= 0 && len >= 0 && pos + len <= size)) {
        throw new Truncated(`a read at byte ${pos} of length ${len} lies outside the file's ${size} bytes`);
      }
      const buf = Buffer.alloc(len);
      await handle.read(buf, 0, len, pos);
      return new DataView(buf.buffer, buf.byteOffset, len);
    }
  }
  try {
    const file = await io.openFile(new BoundedFile());
    // Absent key: say so; present but unreadable: a damaged file, reported by the caller.
    const hasTree = (file.fKeys ?? []).some((k: { fName: string }) => k.fName === TREE);
    const tree = hasTree ? await file.readObject(TREE) : null;
    const close = async () => {
      closed = true;
      await handle.close();
    };
    return { tree, close, jsroot: { TSelector: treeMod.TSelector, treeProcess: treeMod.treeProcess } };
  } catch (e) {
    closed = true;
    await handle.close();
    throw e;
  }
}

/**
 * jsroot chains some basket reads outside the promise it returns, so a damaged basket can surface as an
 * unhandled rejection (which would kill the process) or leave that promise pending forever (the event
 * loop then drains). Both are turned into a rejection of this call.
 */
function guarded<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // jsroot reports some damage on the console; stdout must stay pure JSON for --json.
    const { log, warn, error } = console;
    const restore = () => {
      process.off('unhandledRejection', onUnhandled);
      process.off('beforeExit', onDrained);
      Object.assign(console, { log, warn, error });
    };
    // Restored before settling, so whatever runs next sees the real console and no stale listeners.
    const fail = (reason: unknown) => {
      restore();
      reject(reason instanceof Error ? reason : new Error(String(reason)));
    };
    const onUnhandled = (reason: unknown) => fail(reason);
    const onDrained = () => fail(new Error('the reader stopped without finishing'));
    process.on('unhandledRejection', onUnhandled);
    process.on('beforeExit', onDrained);
    console.log = console.warn = console.error = () => {};
    work().then((v) => {
      restore();
      resolve(v);
    }, fail);
  });
}

/** Flat per-jet columns of the named branches, checked to share the jet count of the first in every event. */
async function readJetBranches(file: string, root: OpenRoot, wanted: string[]): Promise<{ columns: Map<string, Float64Array>; jets: number }> {
  const grow = new Map<string, { data: Float64Array; n: number }>(wanted.map((b) => [b, { data: new Float64Array(1024), n: 0 }]));
  let jets = 0;
  let mismatch: string | null = null;
  const sel = new root.jsroot.TSelector();
  for (const b of wanted) sel.addBranch(b);
  sel.Process = function (this: { tgtobj: Record<string, ArrayLike<number> | number> }, entry: number) {
    const first = this.tgtobj[wanted[0]];
    const nJet = typeof first === 'number' ? -1 : first.length;
    for (const b of wanted) {
      const v = this.tgtobj[b];
      if (typeof v === 'number' || v?.length !== nJet) {
        mismatch ??= `branch ${b} has ${typeof v === 'number' ? 'one value' : `${v?.length} values`} in event ${entry} where ${wanted[0]} has ${nJet} jets`;
        return;
      }
    }
    for (const b of wanted) {
      const v = this.tgtobj[b] as ArrayLike<number>;
      const g = grow.get(b)!;
      if (g.n + nJet > g.data.length) {
        const bigger = new Float64Array(Math.max(2 * g.data.length, g.n + nJet));
        bigger.set(g.data.subarray(0, g.n));
        g.data = bigger;
      }
      for (let k = 0; k < nJet; k++) g.data[g.n + k] = Number(v[k]);
      g.n += nJet;
    }
    jets += nJet;
  };
  await guarded(() => root.jsroot.treeProcess(root.tree, sel));
  if (mismatch) throw new Error(`${file}: ${mismatch}; Tagscape reads per-jet Jet_* branches (one value per jet).`);
  return { columns: new Map([...grow].map(([b, g]) => [b, g.data.slice(0, g.n)])), jets };
}

function describeFailure(file: string, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith(file + ':')) return e as Error;
  if (e instanceof Truncated) return new Error(`${file}: truncated or damaged (${msg}); copy or export it again.`);
  const short = msg.length > 120 ? msg.slice(0, 117) + '...' : msg;
  return new Error(`${file}: could not be read as a ROOT file (${short}); it may be damaged, so copy or export it again.`);
}

/** DeepCSV class of a jet: hadronFlavour 5 with more than one B hadron is bb (gluon splitting). */
function flavourClass(flavour: number, nB: number | undefined): number {
  if (flavour === 5) return nB !== undefined && nB > 1 ? 1 : 0;
  if (flavour === 4) return 2;
  if (flavour === 0) return 3;
  return -1;
}

export async function readRoot(file: string, options: RootOptions = {}): Promise<LoadedData> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${file}: no such file.`);
  checkHeader(file, abs);
  const schema = getSchema('deepcsv');
  const selection = { ...DEFAULT_SELECTION, ...options.selection };
  const F = schema.features.length;

  let root: OpenRoot;
  try {
    root = await guarded(() => openRoot(abs));
  } catch (e) {
    throw describeFailure(file, e);
  }
  let columns: Map<string, Float64Array>;
  let jets: number;
  let available: string[];
  let hasNB: boolean;
  let found: Array<string | null>;
  let missing: string[];
  try {
    if (!root.tree || !root.tree.fBranches?.arr) {
      throw new Error(`${file}: has no TTree named "${TREE}"; Tagscape reads the Events tree of CMS NanoAOD/PFNano files.`);
    }
    available = root.tree.fBranches.arr.map((b: { fName: string }) => b.fName);
    for (const required of ['Jet_pt', 'Jet_eta']) {
      if (!available.includes(required)) throw new Error(`${file}: the ${TREE} tree has no branch ${required}; Tagscape reads CMS NanoAOD/PFNano jets.`);
    }
    if (!available.includes(FLAVOUR)) {
      throw new Error(`${file}: has no branch ${FLAVOUR}, so its jets carry no flavour (collision data?); Tagscape needs simulated jets.`);
    }
    found = schema.features.map((f) => (available.includes(branchFor(f.name)) ? branchFor(f.name) : null));
    missing = schema.features.filter((_, j) => found[j] === null).map((f) => f.name);
    if (missing.length > 0 && !options.allowMissingFeatures) {
      throw new Error(
        `${file}: has no branch ${branchFor(missing[0])}${missing.length > 1 ? ` (nor ${missing.length - 1} more DeepCSV inputs)` : ''}; Tagscape needs PFNano files with the DeepCSV inputs (\`tagscape inspect-data\` shows what the file has).`,
      );
    }
    const externalBranches = (options.external ?? []).flatMap((s) => s.split('+').map((x) => x.trim()).filter(Boolean));
    for (const b of externalBranches) {
      if (!available.includes(b)) throw new Error(`${file}: has no branch ${b} for the external tagger; \`tagscape inspect-data\` lists the tagger branches it has.`);
    }
    hasNB = available.includes(N_B_HADRONS);
    const wanted = [...new Set(['Jet_pt', 'Jet_eta', FLAVOUR, ...(hasNB ? [N_B_HADRONS] : []), ...(found.filter(Boolean) as string[]), ...externalBranches])];
    ({ columns, jets } = await readJetBranches(file, root, wanted));
  } catch (e) {
    throw describeFailure(file, e);
  } finally {
    await root.close();
  }

  const pt = columns.get('Jet_pt')!;
  const eta = columns.get('Jet_eta')!;
  const flav = columns.get(FLAVOUR)!;
  const nB = hasNB ? columns.get(N_B_HADRONS)! : undefined;
  const classesBefore = new Array(schema.classes.length).fill(0);
  const keep: number[] = [];
  let failedEta = 0;
  let failedPt = 0;
  for (let i = 0; i < jets; i++) {
    const k = flavourClass(flav[i], nB?.[i]);
    if (k < 0) throw new Error(`${file}: jet ${i} has ${FLAVOUR} = ${flav[i]}, which is none of 5 (b), 4 (c), 0 (light); the branch does not hold hadron flavours.`);
    classesBefore[k]++;
    if (!(Math.abs(eta[i]) < selection.etaMax)) failedEta++;
    else if (!(pt[i] > selection.ptMin && pt[i] < selection.ptMax)) failedPt++;
    else keep.push(i);
  }

  const n = keep.length;
  const features = new Float32Array(n * F);
  const labels = new Int32Array(n);
  for (let j = 0; j < F; j++) {
    const col = found[j] ? columns.get(found[j]!)! : null;
    const d = schema.features[j].defaultValue;
    for (let r = 0; r < n; r++) features[r * F + j] = col ? col[keep[r]] : d;
  }
  for (let r = 0; r < n; r++) labels[r] = flavourClass(flav[keep[r]], nB?.[keep[r]]);

  const resetSlots = resetLeftoverSlots(features, n, found);
  const nonfinite = replaceNonFinite(file, schema, features, n, found.map((b) => (b ? `branch ${b}` : null)));
  const external: ExternalScores[] = (options.external ?? []).map((spec) =>
    externalFromColumns(file, n, spec, (b) => {
      const c = columns.get(b);
      return c ? Float64Array.from(keep, (i) => c[i]) : null;
    }),
  );
  const report: ImportReport = {
    format: 'root',
    features_found: Object.fromEntries(schema.features.flatMap((f, j) => (found[j] ? [[f.name, found[j]!]] : []))),
    features_missing: missing,
    reset_slots: resetSlots,
    nonfinite_replaced: nonfinite.replaced,
    nonfinite_by_feature: nonfinite.byFeature,
    selection: {
      eta_max: selection.etaMax,
      pt_min: selection.ptMin,
      pt_max: selection.ptMax,
      jets_before: jets,
      classes_before: Object.fromEntries(schema.classes.map((c, k) => [c, classesBefore[k]])),
      failed_eta: failedEta,
      failed_pt: failedPt,
    },
    external_taggers: available.filter((b) => b.startsWith('Jet_btag')),
  };
  return {
    data: { schema, n, features, labels, source: { spec: abs, hash: sha256File(abs), kind: 'root' } },
    report,
    external,
  };
}

/**
 * PFNano fills the per-track slots of a jet's DeepCSV inputs from a buffer it does not clear, so slot k
 * of a jet with fewer than k+1 selected tracks holds the previous jet's value (or 7e28, NaN). Those slots
 * are set to the schema default (-999), and every changed entry is counted.
 */
function resetLeftoverSlots(features: Float32Array, n: number, found: Array<string | null>): number {
  const schema = getSchema('deepcsv');
  const F = schema.features.length;
  const idx = (name: string) => schema.features.findIndex((f) => f.name === name);
  const groups: Array<{ count: number; slots: number[][] }> = [];
  const nSel = idx('jetNSelectedTracks');
  if (found[nSel]) {
    const slots = Array.from({ length: DEEPCSV_TRACKS }, (_, k) => schema.features.flatMap((f, j) => (f.group === `track${k}` && found[j] ? [j] : [])));
    groups.push({ count: nSel, slots });
  }
  const nEtaRel = idx('jetNTracksEtaRel');
  if (found[nEtaRel]) {
    const slots = Array.from({ length: DEEPCSV_ETAREL_TRACKS }, (_, k) => [idx(`trackEtaRel_${k}`)].filter((j) => found[j]));
    groups.push({ count: nEtaRel, slots });
  }
  let reset = 0;
  for (let i = 0; i < n; i++) {
    const row = i * F;
    for (const g of groups) {
      const count = features[row + g.count];
      for (let k = 0; k < g.slots.length; k++) {
        if (k < count) continue;
        for (const j of g.slots[k]) {
          const d = schema.features[j].defaultValue;
          if (features[row + j] !== d) {
            features[row + j] = d;
            reset++;
          }
        }
      }
    }
  }
  return reset;
}
