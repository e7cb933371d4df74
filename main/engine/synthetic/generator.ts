/**
 * Seeded synthetic jets in the DeepCSV schema, built from a small but physical event model:
 *
 *  - jet pT from a falling power law (dN/dpT ~ pT^-2.4 above 20 GeV, capped at 1000 GeV), eta Gaussian
 *    inside |eta| < 2.5;
 *  - b jets carry a B hadron (m = 5.28 GeV, c*tau = 455 um) with a hard fragmentation, which decays to
 *    prompt-from-B pions and, mostly, a cascade D; c jets carry a D (m = 1.87 GeV, c*tau from the D0/D+/Ds/Lc
 *    mixture); bb jets (gluon splitting) carry two softer B hadrons; light jets carry none but more
 *    fragmentation tracks and more K0s/Lambda decays;
 *  - every hadron flies an exponential distance with its boost, decays isotropically in its rest frame, and
 *    the daughters are boosted: impact parameters, decay lengths, pT relative to the jet axis, vertex masses
 *    follow from that geometry, not from per-flavour distributions;
 *  - tracks are measured with a pT-dependent impact-parameter resolution with non-Gaussian tails
 *    (so light jets have high-significance tracks too), selected like CMS (pT > 1 GeV, decay length < 5 cm,
 *    distance to the jet axis < 0.07 cm, dR < 0.3), sorted by transverse IP significance;
 *  - a secondary vertex is reconstructed from >= 2 displaced tracks with a flight-distance dependent
 *    efficiency and a K0s mass veto; otherwise a pseudo-vertex from >= 2 tracks with sip2dSig > 2;
 *  - missing tracks and vertices get the schema's default values; counts are integers.
 */
import { Rng } from '../rng.ts';
import { DEEPCSV_ETAREL_TRACKS, DEEPCSV_SCHEMA, DEEPCSV_TRACKS } from '../schema/index.ts';
import type { JetDataset } from '../data/dataset.ts';
import { sha256Text } from '../data/hash.ts';
import {
  type Vec3, add, boostIsotropic, closestApproachToAxis, cross, deltaR, dot, energy, invariantMass,
  norm, pt as ptOf, scale, tilt, unit, PION_MASS,
} from './kinematics.ts';

/** Bump when the model changes: it is part of the data hash of every synthetic set. */
export const GENERATOR_VERSION = 1;

export interface SyntheticOptions {
  /** Number of jets. */
  jets: number;
  /** Seed of the generator; the same seed gives bit-identical jets. @default 1 */
  seed?: number;
  /** Class fractions b, bb, c, udsg. @default [0.25, 0.05, 0.15, 0.55] */
  fractions?: [number, number, number, number];
}

const B_MASS = 5.279;
const B_CTAU = 0.0455; // cm
const D_SPECIES = [
  { mass: 1.865, ctau: 0.0123, p: 0.58 }, // D0
  { mass: 1.870, ctau: 0.0312, p: 0.24 }, // D+
  { mass: 1.968, ctau: 0.0151, p: 0.10 }, // Ds
  { mass: 2.286, ctau: 0.0060, p: 0.08 }, // Lambda_c
];
const V0_SPECIES = [
  { mass: 0.4976, ctau: 2.684, daughterMass: PION_MASS, p: 0.7 }, // K0s -> pi pi
  { mass: 1.1157, ctau: 7.89, daughterMass: 0.938, p: 0.3 }, // Lambda -> p pi
];
const CHARM_MASS_THRESHOLD = 1.5; // GeV, for the *AboveCharm inputs

type Origin = 'prompt' | 'heavy' | 'v0';

interface TrueTrack {
  p: Vec3;
  vertex: Vec3;
  origin: Origin;
  /** Index of the decay that produced it (-1 for prompt): tracks of one decay chain can form a vertex. */
  decay: number;
}

interface MeasuredTrack extends TrueTrack {
  sip2dVal: number;
  sip2dSig: number;
  sip3dVal: number;
  sip3dSig: number;
  decayLen: number;
  jetDist: number;
  deltaR: number;
  ptRel: number;
  ptRatio: number;
  etaRel: number;
}

interface Decay {
  vertex: Vec3;
  origin: Origin;
  mass: number;
}

class JetBuilder {
  tracks: TrueTrack[] = [];
  decays: Decay[] = [];
  constructor(readonly rng: Rng, readonly axis: Vec3, readonly pJet: number) {}

  /** Decay a hadron of mass m, momentum P along dir, starting at `from`; returns its decay vertex. */
  decayHadron(m: number, ctau: number, P: number, dir: Vec3, from: Vec3, nCharged: number, chargedFraction: number, origin: Origin, daughterMass = PION_MASS): Vec3 {
    const rng = this.rng;
    const L = (P / m) * ctau * rng.exponential(1);
    const vertex = add(from, scale(dir, L));
    const decay = this.decays.length;
    this.decays.push({ vertex, origin, mass: m });
    const budget = Math.max(0.05, chargedFraction * m - nCharged * daughterMass);
    const shares = Array.from({ length: nCharged }, () => rng.gamma(2));
    const sum = shares.reduce((a, b) => a + b, 0);
    for (const s of shares) {
      const e = daughterMass + budget * (s / sum);
      const pStar = Math.sqrt(Math.max(1e-6, e * e - daughterMass * daughterMass));
      this.tracks.push({ p: boostIsotropic(rng, pStar, e, dir, P, m), vertex, origin, decay });
    }
    return vertex;
  }

  charmHadron(P: number, dir: Vec3, from: Vec3): void {
    const rng = this.rng;
    let u = rng.uniform();
    const sp = D_SPECIES.find((s) => (u -= s.p) < 0) ?? D_SPECIES[0];
    this.decayHadron(sp.mass, sp.ctau, P, dir, from, 1 + rng.poisson(1.1), rng.range(0.5, 0.9), 'heavy');
  }

  bottomHadron(P: number, dir: Vec3): void {
    const rng = this.rng;
    const cascade = rng.bernoulli(0.85);
    const nDirect = rng.poisson(cascade ? 1.8 : 3.2) + (cascade ? 0 : 1);
    const chargedFraction = rng.range(0.35, 0.6);
    const vertex = this.decayHadron(B_MASS, B_CTAU, P, dir, [0, 0, 0], nDirect, chargedFraction, 'heavy');
    if (cascade) {
      // The D takes a sizeable share of the B energy in the B rest frame.
      const eD = 1.87 + rng.range(0.2, 1.4);
      const pStarD = Math.sqrt(eD * eD - 1.87 * 1.87);
      const pD = boostIsotropic(rng, pStarD, eD, dir, P, B_MASS);
      this.charmHadron(norm(pD), unit(pD), vertex);
    }
  }

  v0(): void {
    const rng = this.rng;
    const sp = rng.bernoulli(V0_SPECIES[0].p) ? V0_SPECIES[0] : V0_SPECIES[1];
    const P = this.pJet * rng.range(0.04, 0.3);
    const dir = tilt(this.axis, Math.abs(rng.normal(0, 0.08)), rng.range(0, 2 * Math.PI));
    this.decayHadron(sp.mass, sp.ctau, P, dir, [0, 0, 0], 2, 1, 'v0', sp.daughterMass);
  }

  fragmentation(n: number, pAvailable: number): void {
    const rng = this.rng;
    const shares = Array.from({ length: n }, () => rng.gamma(1));
    const sum = shares.reduce((a, b) => a + b, 0);
    for (const s of shares) {
      const p = Math.max(0.3, pAvailable * (s / sum));
      const ptRel = rng.exponential(0.45) + 0.05;
      const angle = Math.min(0.45, Math.asin(Math.min(1, ptRel / p)));
      this.tracks.push({ p: scale(tilt(this.axis, angle, rng.range(0, 2 * Math.PI)), p), vertex: [0, 0, 0], origin: 'prompt', decay: -1 });
    }
  }
}

/** Signed impact parameter of a straight track in 3D and in the transverse plane, lifetime-signed by the jet axis. */
function impactParameters(vertex: Vec3, t: Vec3, axis: Vec3): { ip2: number; ip3: number } {
  const s3 = -dot(vertex, t);
  const p3 = add(vertex, scale(t, s3));
  const ip3 = norm(p3) * (dot(p3, axis) >= 0 ? 1 : -1);
  const t2 = Math.hypot(t[0], t[1]);
  const tx = t[0] / t2;
  const ty = t[1] / t2;
  const s2 = -(vertex[0] * tx + vertex[1] * ty);
  const px = vertex[0] + s2 * tx;
  const py = vertex[1] + s2 * ty;
  const ip2 = Math.hypot(px, py) * (px * axis[0] + py * axis[1] >= 0 ? 1 : -1);
  return { ip2, ip3 };
}

function measure(rng: Rng, tr: TrueTrack, axis: Vec3): MeasuredTrack {
  const pT = ptOf(tr.p);
  const pMag = norm(tr.p);
  const t = scale(tr.p, 1 / pMag);
  // Transverse IP resolution of a silicon tracker: ~15 um at high pT, multiple scattering ~90 um/pT[GeV].
  const s2 = Math.hypot(0.0015, 0.009 / pT);
  const s3 = 1.35 * s2;
  const u = rng.uniform();
  const tail = u < 0.006 ? 10 : u < 0.04 ? 3.5 : 1; // mis-associated hits, nuclear interactions
  const n2 = rng.normal();
  const n3 = 0.7 * n2 + 0.714 * rng.normal();
  const { ip2, ip3 } = impactParameters(tr.vertex, t, axis);
  const sip2dVal = ip2 + n2 * s2 * tail;
  const sip3dVal = ip3 + n3 * s3 * tail;
  const ca = closestApproachToAxis(tr.vertex, t, axis);
  const sinAngle = Math.max(0.01, norm(cross(t, axis)));
  const ptRel = norm(cross(tr.p, axis));
  const pPar = dot(tr.p, axis);
  return {
    ...tr,
    sip2dVal,
    sip2dSig: sip2dVal / s2,
    sip3dVal,
    sip3dSig: sip3dVal / s3,
    decayLen: ca.along + rng.normal() * (s3 / sinAngle) * tail,
    jetDist: -Math.abs(ca.distance + rng.normal() * s2 * tail),
    deltaR: deltaR(tr.p, axis),
    ptRel,
    ptRatio: ptRel / pMag,
    etaRel: 0.5 * Math.log((pMag + pPar) / Math.max(1e-9, pMag - pPar)),
  };
}

function selected(t: MeasuredTrack): boolean {
  return ptOf(t.p) > 1 && Math.abs(t.decayLen) < 5 && Math.abs(t.jetDist) < 0.07 && t.deltaR < 0.3;
}

const IDX = Object.fromEntries(DEEPCSV_SCHEMA.features.map((f, i) => [f.name, i])) as Record<string, number>;

function fillDefaults(row: Float32Array): void {
  DEEPCSV_SCHEMA.features.forEach((f, i) => {
    if (!Number.isNaN(f.defaultValue)) row[i] = f.defaultValue;
  });
}

interface VertexResult {
  category: 0 | 1 | 2;
  tracks: MeasuredTrack[];
  position?: Vec3;
  nVertices: number;
  flight?: { val2: number; sig2: number; val3: number; sig3: number };
}

function reconstructVertex(rng: Rng, sel: MeasuredTrack[], decays: Decay[], flavourHasB: boolean): VertexResult {
  // Inclusive vertex finding: tracks of one decay chain (B and its cascade D count as one) that are displaced.
  const chains = new Map<string, MeasuredTrack[]>();
  for (const t of sel) {
    if (t.origin === 'prompt' || Math.abs(t.sip2dSig) < 1.5) continue;
    const key = t.origin === 'heavy' ? 'heavy' : `v0-${t.decay}`;
    chains.set(key, [...(chains.get(key) ?? []), t]);
  }
  let best: MeasuredTrack[] = [];
  for (const c of chains.values()) if (c.length > best.length) best = c;
  // Fake vertices in any jet from pairs of mismeasured prompt tracks.
  const fakes = sel.filter((t) => t.origin === 'prompt' && t.sip2dSig > 3);
  if (best.length < 2 && fakes.length >= 2 && rng.bernoulli(0.35)) best = fakes;
  if (best.length >= 2) {
    // Vertex position: the earliest true decay vertex of the chain, smeared with the vertex resolution.
    const trueVertex = best.map((t) => t.vertex).reduce((a, v) => (norm(v) < norm(a) ? v : a));
    const lxyTrue = Math.hypot(trueVertex[0], trueVertex[1]);
    const sxy = Math.hypot(0.006, 0.04 * lxyTrue);
    const sz = 1.6 * sxy;
    const fakeDisplacement = best[0].origin === 'prompt' ? rng.exponential(0.03) : 0;
    const dir = unit(add(best.reduce((s, t) => add(s, t.p), [0, 0, 0] as Vec3), [0, 0, 1e-9]));
    const base = fakeDisplacement > 0 ? scale(dir, fakeDisplacement) : trueVertex;
    const pos: Vec3 = [base[0] + rng.normal(0, sxy), base[1] + rng.normal(0, sxy), base[2] + rng.normal(0, sz)];
    const val2 = Math.hypot(pos[0], pos[1]);
    const val3 = norm(pos);
    const sig2 = val2 / sxy;
    const sig3 = val3 / Math.hypot(sxy, sz);
    const mass = invariantMass(best.map((t) => t.p));
    const isK0 = Math.abs(mass - 0.4976) < 0.05 && best.length === 2;
    const efficiency = 0.92 * (1 - Math.exp(-lxyTrue / 0.012));
    const found = sig2 > 3 && !isK0 && (fakeDisplacement > 0 || rng.bernoulli(efficiency));
    if (found) {
      const cascadeSeparated = flavourHasB && decays.length > 1 && rng.bernoulli(0.3);
      return { category: 0, tracks: best, position: pos, nVertices: cascadeSeparated ? 2 : 1, flight: { val2, sig2, val3, sig3 } };
    }
  }
  const pseudo = sel.filter((t) => t.sip2dSig > 2);
  if (pseudo.length >= 2) return { category: 1, tracks: pseudo, nVertices: 0 };
  return { category: 2, tracks: [], nVertices: 0 };
}

function generateJet(rng: Rng, label: number, row: Float32Array): void {
  fillDefaults(row);
  const flavour = DEEPCSV_SCHEMA.classes[label];
  // Falling spectrum: P(pT > x) = (x/20)^-1.4 (dN/dpT ~ pT^-2.4), truncated at 1 TeV.
  let jetPt: number;
  do jetPt = 20 * Math.pow(rng.uniformOpen(), -1 / 1.4);
  while (jetPt > 1000);
  let jetEta: number;
  do jetEta = rng.normal(0, 1.25);
  while (Math.abs(jetEta) >= 2.5);
  const theta = 2 * Math.atan(Math.exp(-jetEta));
  const axis: Vec3 = [Math.sin(theta), 0, Math.cos(theta)];
  const pJet = jetPt * Math.cosh(jetEta);
  const jb = new JetBuilder(rng, axis, pJet);

  let heavyShare = 0;
  const hadronDir = (spread: number) => tilt(axis, Math.abs(rng.normal(0, spread + 0.6 / jetPt)), rng.range(0, 2 * Math.PI));
  if (flavour === 'b') {
    const x = Math.min(0.97, Math.max(0.25, rng.normal(0.72, 0.14)));
    jb.bottomHadron(x * pJet, hadronDir(0.02));
    heavyShare = x;
  } else if (flavour === 'bb') {
    for (let k = 0; k < 2; k++) {
      const x = Math.min(0.7, Math.max(0.1, rng.normal(0.38, 0.12)));
      jb.bottomHadron(x * pJet, hadronDir(0.06));
      heavyShare += x;
    }
  } else if (flavour === 'c') {
    const x = Math.min(0.95, Math.max(0.15, rng.normal(0.55, 0.18)));
    jb.charmHadron(x * pJet, hadronDir(0.02), [0, 0, 0]);
    heavyShare = x;
  }
  if (rng.bernoulli(flavour === 'udsg' ? 0.3 : 0.15)) jb.v0();
  const muFrag = Math.max(0.5, 2.0 + 2.6 * Math.log(jetPt / 20) + (flavour === 'udsg' ? 1.2 : 0) - (flavour === 'b' ? 0.5 : 0));
  const chargedFraction = Math.min(0.95, Math.max(0.2, rng.normal(0.62, 0.15)));
  jb.fragmentation(rng.poisson(muFrag), chargedFraction * pJet * Math.max(0.05, 1 - heavyShare));

  const sel = jb.tracks.map((t) => measure(rng, t, axis)).filter(selected).sort((a, b) => b.sip2dSig - a.sip2dSig);

  row[IDX.jet_pt] = jetPt;
  row[IDX.jet_eta] = jetEta;
  row[IDX.jetNSelectedTracks] = sel.length;
  for (let k = 0; k < Math.min(DEEPCSV_TRACKS, sel.length); k++) {
    const t = sel[k];
    row[IDX[`trackDecayLenVal_${k}`]] = t.decayLen;
    row[IDX[`trackDeltaR_${k}`]] = t.deltaR;
    row[IDX[`trackJetDistVal_${k}`]] = t.jetDist;
    row[IDX[`trackPtRatio_${k}`]] = t.ptRatio;
    row[IDX[`trackPtRel_${k}`]] = t.ptRel;
    row[IDX[`trackSip2dSig_${k}`]] = t.sip2dSig;
    row[IDX[`trackSip3dSig_${k}`]] = t.sip3dSig;
  }
  if (sel.length > 0) {
    const sum = sel.reduce((s, t) => add(s, t.p), [0, 0, 0] as Vec3);
    row[IDX.trackJetPt] = ptOf(sum);
    row[IDX.trackSumJetDeltaR] = deltaR(sum, axis);
    row[IDX.trackSumJetEtRatio] = sel.reduce((s, t) => s + ptOf(t.p), 0) / jetPt;
    const running: Vec3[] = [];
    for (const t of sel) {
      running.push(t.p);
      if (invariantMass(running) > CHARM_MASS_THRESHOLD) {
        row[IDX.trackSip2dSigAboveCharm] = t.sip2dSig;
        row[IDX.trackSip2dValAboveCharm] = t.sip2dVal;
        row[IDX.trackSip3dSigAboveCharm] = t.sip3dSig;
        row[IDX.trackSip3dValAboveCharm] = t.sip3dVal;
        break;
      }
    }
  }

  const sv = reconstructVertex(rng, sel, jb.decays, flavour === 'b' || flavour === 'bb');
  row[IDX.vertexCategory] = sv.category;
  row[IDX.jetNSecondaryVertices] = sv.nVertices;
  row[IDX.vertexNTracks] = sv.tracks.length;
  const etaRels = sv.tracks.map((t) => t.etaRel).sort((a, b) => a - b);
  row[IDX.jetNTracksEtaRel] = etaRels.length;
  for (let k = 0; k < Math.min(DEEPCSV_ETAREL_TRACKS, etaRels.length); k++) row[IDX[`trackEtaRel_${k}`]] = etaRels[k];
  if (sv.tracks.length > 0) {
    const vsum = sv.tracks.reduce((s, t) => add(s, t.p), [0, 0, 0] as Vec3);
    row[IDX.vertexMass] = invariantMass(sv.tracks.map((t) => t.p));
    row[IDX.vertexEnergyRatio] = sv.tracks.reduce((s, t) => s + energy(t.p), 0) / sel.reduce((s, t) => s + energy(t.p), 0);
    row[IDX.vertexJetDeltaR] = deltaR(sv.position ?? vsum, axis);
  }
  if (sv.flight) {
    row[IDX.flightDistance2dVal] = sv.flight.val2;
    row[IDX.flightDistance2dSig] = sv.flight.sig2;
    row[IDX.flightDistance3dVal] = sv.flight.val3;
    row[IDX.flightDistance3dSig] = sv.flight.sig3;
  }
}

export function syntheticSpec(options: SyntheticOptions): string {
  const fr = options.fractions ?? [0.25, 0.05, 0.15, 0.55];
  return `synthetic:${options.jets}:seed=${options.seed ?? 1}:fractions=${fr.join('/')}:v${GENERATOR_VERSION}`;
}

export function generateJets(options: SyntheticOptions): JetDataset {
  const { jets } = options;
  if (!Number.isInteger(jets) || jets < 1) throw new Error(`The number of jets must be a positive integer, not ${jets}.`);
  const fractions = options.fractions ?? [0.25, 0.05, 0.15, 0.55];
  const total = fractions.reduce((a, b) => a + b, 0);
  const rng = new Rng(options.seed ?? 1);
  const F = DEEPCSV_SCHEMA.features.length;
  const features = new Float32Array(jets * F);
  const labels = new Int32Array(jets);
  for (let i = 0; i < jets; i++) {
    let u = rng.uniform() * total;
    let label = fractions.findIndex((f) => (u -= f) < 0);
    if (label < 0) label = fractions.length - 1;
    labels[i] = label;
    generateJet(rng, label, features.subarray(i * F, (i + 1) * F));
  }
  const spec = syntheticSpec(options);
  return { schema: DEEPCSV_SCHEMA, n: jets, features, labels, source: { spec, hash: sha256Text(spec), kind: 'synthetic' } };
}
