/**
 * pT–eta flavour reweighting: every class is reweighted to the (pT, |eta|) distribution of the b jets,
 * so the tagger cannot learn flavour from kinematics alone. The weights enter the loss.
 */
import type { JetDataset } from '../data/dataset.ts';
import { featureIndex } from '../schema/index.ts';

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

export function ptEtaWeights(d: JetDataset, rows: ArrayLike<number>, options: ReweightOptions = {}): Float32Array {
  const ptEdges = options.ptEdges ?? logEdges(20, 1000, 15);
  const etaEdges = options.etaEdges ?? [0, 0.5, 1, 1.5, 2, 2.5];
  const target = d.schema.classes.indexOf(options.target ?? 'b');
  if (target < 0) throw new Error(`Cannot reweight to class "${options.target}": the schema has ${d.schema.classes.join(', ')}.`);
  const F = d.schema.features.length;
  const iPt = featureIndex(d.schema, d.schema.features.some((f) => f.name === 'jet_pt') ? 'jet_pt' : d.schema.features[0].name);
  const iEta = featureIndex(d.schema, 'jet_eta');
  const nb = (ptEdges.length - 1) * (etaEdges.length - 1);
  const C = d.schema.classes.length;
  const hist = Array.from({ length: C }, () => new Float64Array(nb));
  const totals = new Float64Array(C);
  const cell = (i: number) => bin(ptEdges, d.features[i * F + iPt]) * (etaEdges.length - 1) + bin(etaEdges, Math.abs(d.features[i * F + iEta]));
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const w = d.weights ? d.weights[i] : 1;
    hist[d.labels[i]][cell(i)] += w;
    totals[d.labels[i]] += w;
  }
  const out = new Float32Array(d.n).fill(1);
  for (let i = 0; i < d.n; i++) {
    const c = d.labels[i];
    const k = cell(i);
    const base = d.weights ? d.weights[i] : 1;
    const own = hist[c][k] / (totals[c] || 1);
    const tgt = hist[target][k] / (totals[target] || 1);
    out[i] = own > 0 ? (base * tgt) / own : 0;
  }
  return out;
}
