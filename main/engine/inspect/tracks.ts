import type { FeatureSchema } from '../schema/index.ts';

export interface TrackQuantity {
  /** The quantity without its track index: trackSip2dSig (DeepCSV), track_D0 (UCI). */
  feature: string;
  /** Input index of this quantity for track slot k, or -1 when the schema lacks it for that slot. */
  columns: number[];
}

export interface TrackLayout {
  /** Track slots: the groups track0, track1, ... of the schema. */
  tracks: number;
  quantities: TrackQuantity[];
}

/**
 * The per-track inputs of a schema arranged as quantity x track slot, from the feature groups `trackK`.
 * The track index is dropped from the name where it stands as `_K` (trackSip2dSig_0, track_0_D0), so
 * the same quantity of every track lands in one row. Vertex tracks (trackEtaRel_K) are not in a track
 * group and stay out.
 */
export function trackLayout(schema: FeatureSchema): TrackLayout {
  const rows = new Map<string, number[]>();
  let tracks = 0;
  schema.features.forEach((f, j) => {
    const m = /^track(\d+)$/.exec(f.group);
    if (!m) return;
    const k = Number(m[1]);
    tracks = Math.max(tracks, k + 1);
    const base = f.name.replace(new RegExp(`_${k}(?=_|$)`), '');
    if (!rows.has(base)) rows.set(base, []);
    rows.get(base)![k] = j;
  });
  const quantities = [...rows].map(([feature, cols]) => ({ feature, columns: Array.from({ length: tracks }, (_, k) => cols[k] ?? -1) }));
  return { tracks, quantities };
}
