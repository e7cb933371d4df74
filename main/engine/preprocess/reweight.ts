/**
 * pT–eta flavour reweighting: every class is reweighted to the (pT, |eta|) distribution of the b jets,
 * so the tagger cannot learn flavour from kinematics alone. The weights enter the loss.
 */
import { featureIndex, type FeatureSchema } from '../schema/index.ts';

export interface ReweightOptions {
  /** Class whose kinematics every class is reweighted to. @default 'b' */
  target?: string;
  /** Logarithmic pT bin edges in GeV. @default 15 bins from 20 to 1000 GeV */
  ptEdges?: number[];
  /** |eta| bin edges. @default [0, 0.5, 1, 1.5, 2, 2.5] */
  etaEdges?: number[];
}

function logEdges(lo: number, hi: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => lo * Math.pow(hi / lo, i / bins));
}

function bin(edges: number[], v: number): number {
  if (v < edges[0]) return 0;
  for (let i = 1; i < edges.length; i++) if (v < edges[i]) return i - 1;
  return edges.length - 2;
}

/** The (pT, |eta|) cells of the reweighting and the class every class is reweighted to. */
export interface PtEtaBinning {
  ptEdges: number[];
  etaEdges: number[];
  target: number;
  iPt: number;
  iEta: number;
  cells: number;
}

export function ptEtaBinning(schema: FeatureSchema, options: ReweightOptions = {}): PtEtaBinning {
  const ptEdges = options.ptEdges ?? logEdges(20, 1000, 15);
  const etaEdges = options.etaEdges ?? [0, 0.5, 1, 1.5, 2, 2.5];
  const target = schema.classes.indexOf(options.target ?? 'b');
  if (target < 0) throw new Error(`Cannot reweight to class "${options.target}": the schema has ${schema.classes.join(', ')}.`);
  const iPt = featureIndex(schema, schema.features.some((f) => f.name === 'jet_pt') ? 'jet_pt' : schema.features[0].name);
  const iEta = featureIndex(schema, 'jet_eta');
  return { ptEdges, etaEdges, target, iPt, iEta, cells: (ptEdges.length - 1) * (etaEdges.length - 1) };
}

/** The cell of the jet whose features start at features[base]. */
export function ptEtaCell(b: PtEtaBinning, features: Float32Array, base: number): number {
  return bin(b.ptEdges, features[base + b.iPt]) * (b.etaEdges.length - 1) + bin(b.etaEdges, Math.abs(features[base + b.iEta]));
}

/**
 * The weights scaled per class so that every class present among `rows` carries the same total weight
 * there (the "flavour" part of the paper's pT–eta–flavour reweighting); the overall total is kept.
 * `weights` null: every jet weighs 1.
 */
export function balanceClasses(weights: Float32Array | null, labels: Int32Array, C: number, rows: ArrayLike<number>): Float32Array {
  const totals = new Float64Array(C);
  for (let r = 0; r < rows.length; r++) totals[labels[rows[r]]] += weights ? weights[rows[r]] : 1;
  const all = totals.reduce((s, t) => s + t, 0);
  const present = totals.filter((t) => t > 0).length;
  const scale = Array.from(totals, (t) => (t > 0 ? all / present / t : 1));
  return weights ? Float32Array.from(weights, (w, i) => w * scale[labels[i]]) : Float32Array.from(labels, (c) => scale[c]);
}

/**
 * Per-jet weights from every jet's cell: the class's (pT, |eta|) histogram over the given rows is divided
 * into the target class's, times the jet's own weight.
 */
export function ptEtaWeightsFromCells(b: PtEtaBinning, cells: Uint16Array, labels: Int32Array, C: number, rows: ArrayLike<number>, baseWeights?: Float32Array): Float32Array {
  const hist = Array.from({ length: C }, () => new Float64Array(b.cells));
  const totals = new Float64Array(C);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const w = baseWeights ? baseWeights[i] : 1;
    hist[labels[i]][cells[i]] += w;
    totals[labels[i]] += w;
  }
  const n = labels.length;
  const out = new Float32Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const k = cells[i];
    const base = baseWeights ? baseWeights[i] : 1;
    const own = hist[c][k] / (totals[c] || 1);
    const tgt = hist[b.target][k] / (totals[b.target] || 1);
    out[i] = own > 0 ? (base * tgt) / own : 0;
  }
  return out;
}
