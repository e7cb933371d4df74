/**
 * Seeded pseudo-random numbers (sfc32 seeded through splitmix32).
 * Every stochastic step of a study draws from one of these so that a run is
 * reproducible from its seed alone, independent of Math.random.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1]: safe inside a logarithm. */
  uniformOpen(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  normal(mean = 0, sigma = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sigma * z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformOpen()));
    const phi = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(phi);
    return mean + sigma * r * Math.cos(phi);
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.uniformOpen());
  }

  poisson(mu: number): number {
    if (mu <= 0) return 0;
    if (mu > 30) return Math.max(0, Math.round(this.normal(mu, Math.sqrt(mu))));
    const limit = Math.exp(-mu);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang; used for Dirichlet energy sharing. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniformOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** A fresh 31-bit seed for a child generator or a tfjs op. */
  seed(): number {
    return this.nextUint32() >>> 1;
  }

  /** Internal state, for checkpoints that must resume the same random stream. */
  state(): number[] {
    return this.spareNormal === null ? [this.a, this.b, this.c, this.d] : [this.a, this.b, this.c, this.d, this.spareNormal];
  }

  static fromState(state: number[]): Rng {
    const r = new Rng(0);
    [r.a, r.b, r.c, r.d] = state.slice(0, 4).map((v) => v >>> 0);
    r.spareNormal = state.length > 4 ? state[4] : null;
    return r;
  }
}
