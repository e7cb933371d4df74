/** Minimal 3-vector kinematics for the synthetic jet generator (GeV, cm). */
import type { Rng } from '../rng.ts';

export type Vec3 = [number, number, number];

export const PION_MASS = 0.13957;

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const unit = (a: Vec3): Vec3 => scale(a, 1 / norm(a));
export const pt = (a: Vec3): number => Math.hypot(a[0], a[1]);
export const eta = (a: Vec3): number => Math.asinh(a[2] / pt(a));
export const phi = (a: Vec3): number => Math.atan2(a[1], a[0]);

export function deltaR(a: Vec3, b: Vec3): number {
  let dphi = phi(a) - phi(b);
  while (dphi > Math.PI) dphi -= 2 * Math.PI;
  while (dphi < -Math.PI) dphi += 2 * Math.PI;
  return Math.hypot(eta(a) - eta(b), dphi);
}

/** Two unit vectors completing `axis` to an orthonormal basis. */
export function basis(axis: Vec3): [Vec3, Vec3] {
  const helper: Vec3 = Math.abs(axis[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const u = unit(cross(axis, helper));
  return [u, cross(axis, u)];
}

/** The direction at polar angle `alpha` and azimuth `beta` around `axis`. */
export function tilt(axis: Vec3, alpha: number, beta: number): Vec3 {
  const [u, w] = basis(axis);
  const s = Math.sin(alpha);
  return unit(add(scale(axis, Math.cos(alpha)), add(scale(u, s * Math.cos(beta)), scale(w, s * Math.sin(beta)))));
}

/** Isotropic rest-frame momentum of magnitude `p`, boosted along `dir` with momentum `P` of a parent of mass `m`. */
export function boostIsotropic(rng: Rng, pStar: number, eStar: number, dir: Vec3, P: number, m: number): Vec3 {
  const cosT = rng.range(-1, 1);
  const sinT = Math.sqrt(Math.max(0, 1 - cosT * cosT));
  const beta = rng.range(0, 2 * Math.PI);
  const gamma = Math.sqrt(1 + (P / m) ** 2);
  const bg = P / m;
  const pPar = gamma * pStar * cosT + bg * eStar;
  const pPerp = pStar * sinT;
  const [u, w] = basis(dir);
  return add(scale(dir, pPar), add(scale(u, pPerp * Math.cos(beta)), scale(w, pPerp * Math.sin(beta))));
}

/** Invariant mass of a set of momenta under the pion hypothesis. */
export function invariantMass(momenta: Vec3[]): number {
  let e = 0;
  let s: Vec3 = [0, 0, 0];
  for (const p of momenta) {
    e += Math.sqrt(dot(p, p) + PION_MASS * PION_MASS);
    s = add(s, p);
  }
  return Math.sqrt(Math.max(0, e * e - dot(s, s)));
}

export function energy(p: Vec3): number {
  return Math.sqrt(dot(p, p) + PION_MASS * PION_MASS);
}

/**
 * Closest approach of the line origin + s*t (t unit) to the line r*a through the primary vertex (a unit):
 * returns r (position along the axis) and the distance between the two lines.
 */
export function closestApproachToAxis(origin: Vec3, t: Vec3, a: Vec3): { along: number; distance: number } {
  const b = dot(t, a);
  const d = dot(t, origin);
  const e = dot(a, origin);
  const denom = 1 - b * b;
  if (denom < 1e-12) return { along: e, distance: norm(sub(origin, scale(a, e))) };
  const s = (b * e - d) / denom;
  const r = (e - b * d) / denom;
  return { along: r, distance: norm(sub(add(origin, scale(t, s)), scale(a, r))) };
}
