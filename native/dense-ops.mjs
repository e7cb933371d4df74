// The dense tagger's operations on one thread, driving the kernels of dense-simd.wasm. Plain JavaScript
// so that the same file runs on the main thread (imported by main/engine/fast/) and in every worker
// (dense-worker.mjs loads it by path, also from a packaged app). Every operation works on a range of
// rows [lo, hi) of arrays the caller passes (SharedArrayBuffer-backed when threads share the work) and
// writes only its own rows of the outputs, so a split over threads gives the same numbers as one thread.

/** Weight gradients are summed over this many fixed parts of a batch, in part order, whatever the thread count. */
export const GRAD_PARTS = 4;
/** Rows per kernel call: bounds the activations held in wasm memory (about 2 kB per row for 5 x 100). */
const CHUNK = 4096;
const TINY = 1e-12;

/** Number of parameters of a network with layer widths [inputs, hidden..., outputs]. */
export function paramCount(widths) {
  let p = 0;
  for (let l = 0; l + 1 < widths.length; l++) p += widths[l] * widths[l + 1] + widths[l + 1];
  return p;
}

const align = (x) => (x + 15) & ~15;

/** One wasm instance with its own memory, laid out for a network and up to `rows` rows per call. */
export class DenseKernels {
  constructor(module, widths) {
    this.widths = widths.slice();
    this.L = widths.length - 1;
    this.F = widths[0];
    this.C = widths[this.L];
    this.P = paramCount(widths);
    this.maxW = Math.max(...widths);
    this.actsPerRow = widths.slice(1).reduce((a, b) => a + b, 0);
    this.memory = new WebAssembly.Memory({ initial: 2 });
    this.ex = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
    let p = align(this.ex.__heap_base.value);
    const take = (bytes) => {
      const at = p;
      p = align(p + bytes);
      return at;
    };
    this.cfg = take(4 * (this.L + 2));
    this.params = take(4 * this.P);
    this.grads = take(4 * this.P);
    this.gsum = take(4 * this.P);
    this.m = take(4 * this.P);
    this.v = take(4 * this.P);
    this.scratch = take(4 * this.maxW * this.maxW);
    this.fixedEnd = p;
    this.rows = 0;
    this.ensure(256);
    const cfg = this.i32(this.cfg, this.L + 2);
    cfg[0] = this.L;
    widths.forEach((w, i) => (cfg[1 + i] = w));
  }

  /** Lays out the per-row buffers for `rows` rows, growing the memory if needed. */
  ensure(rows) {
    if (rows <= this.rows) return;
    let p = this.fixedEnd;
    const take = (bytes) => {
      const at = p;
      p = align(p + bytes);
      return at;
    };
    const { F, C, maxW, actsPerRow } = this;
    this.X = take(4 * rows * F);
    this.Y = take(4 * rows);
    this.Wt = take(4 * rows);
    this.lossOut = take(4 * rows);
    this.acts = take(4 * rows * actsPerRow);
    this.masks = take(4 * rows * actsPerRow);
    this.D0 = take(4 * rows * maxW);
    this.D1 = take(4 * rows * maxW);
    this.dX = take(4 * rows * F);
    this.P_ = take(4 * rows * C);
    this.frozen = take(rows * F);
    this.cap = take(4 * rows * F);
    this.eps = take(4 * F);
    const need = Math.ceil(p / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    this.rows = rows;
  }

  f32(ptr, len) {
    return new Float32Array(this.memory.buffer, ptr, len);
  }

  i32(ptr, len) {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  u8(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  setParams(src) {
    this.f32(this.params, this.P).set(src);
  }

  /** Offset of layer l's outputs for n rows; the last layer's are the logits. */
  actsOf(l, n) {
    let off = 0;
    for (let i = 0; i < l; i++) off += n * this.widths[i + 1];
    return this.acts + 4 * off;
  }

  /** Forward pass of n rows already in X; `drop` = {seed, keep, scale, row0} or null (inference). */
  forwardX(n, drop) {
    this.ex.forward(this.cfg, this.params, this.X, n, this.acts, this.masks, drop ? drop.seed >>> 0 : 0, drop ? drop.keep : 1, drop ? drop.scale : 1, drop ? drop.row0 : 0);
    return this.actsOf(this.L - 1, n);
  }

  loadRows(x, y, lo, n) {
    this.ensure(n);
    this.f32(this.X, n * this.F).set(x.subarray(lo * this.F, (lo + n) * this.F));
    if (y) this.i32(this.Y, n).set(y.subarray(lo, lo + n));
  }

  /** Per-jet input gradients d L_i / d x_i of the rows in X (labels in Y) into dX. */
  inputGradX(n, loss, drop) {
    const Z = this.forwardX(n, drop);
    this.ex.loss(Z, this.Y, 0, n, this.C, loss.focal ? 1 : 0, loss.gamma, 1, 0, this.D0);
    this.ex.backward(this.cfg, this.params, this.X, n, this.acts, drop ? this.masks : 0, this.D0, this.D1, 0, this.dX, this.scratch);
    return this.f32(this.dX, n * this.F);
  }
}

function dropoutAt(drop, row0) {
  return drop ? { seed: drop.seed, keep: drop.keep, scale: drop.scale, row0: (drop.row0 ?? 0) + row0 } : null;
}

// ---------------------------------------------------------------- attacks (elementwise parts)

/** g / ||g||_2 per jet, or per jet and feature group (groupOf[j] = group of feature j); zero where g = 0. */
function normalise(g, n, F, groupOf, nGroups) {
  const out = new Float32Array(n * F);
  const sq = new Float64Array(nGroups || 1);
  for (let i = 0; i < n; i++) {
    const r = i * F;
    sq.fill(0);
    for (let j = 0; j < F; j++) sq[groupOf ? groupOf[j] : 0] += g[r + j] * g[r + j];
    for (let j = 0; j < F; j++) out[r + j] = g[r + j] / Math.max(Math.fround(Math.sqrt(sq[groupOf ? groupOf[j] : 0])), TINY);
  }
  return out;
}

/** Keep frozen entries, bound |delta| by the cap: the attacked rows are x0 + delta. */
function restrict(x0, xa, frozen, cap, count) {
  for (let e = 0; e < count; e++) {
    if (frozen[e]) {
      xa[e] = x0[e];
      continue;
    }
    let d = Math.fround(xa[e] - x0[e]);
    if (cap) d = Math.min(Math.max(d, -cap[e]), cap[e]);
    xa[e] = x0[e] + d;
  }
}

/**
 * FGSM, NGM or PGD (no random start) on n rows starting at row lo, as attacks/perturb.ts defines them:
 * x0 and the result are n x F standardised rows; gradients come from the kernels (dropout per `drop`).
 * FGSM runs in the kernels' memory and returns a view of their X, valid until their next call.
 */
function attackRows(k, a, lo, n, drop) {
  const { F } = k;
  const spec = a.spec;
  const count = n * F;
  const frozen = a.frozen.subarray(lo * F, (lo + n) * F);
  const cap = a.cap ? a.cap.subarray(lo * F, (lo + n) * F) : null;
  const y = a.y.subarray(lo, lo + n);
  const epsVec = Float32Array.from(a.factors, (f) => f * spec.eps);
  if (spec.kind === 'fgsm') {
    k.loadRows(a.x, a.y, lo, n);
    k.inputGradX(n, a.loss, drop);
    k.u8(k.frozen, count).set(frozen);
    k.f32(k.eps, F).set(epsVec);
    if (cap) k.f32(k.cap, count).set(cap);
    k.ex.fgsm(k.X, k.dX, k.frozen, k.eps, cap ? k.cap : 0, n, F);
    return k.f32(k.X, count);
  }
  const x0 = Float32Array.from(a.x.subarray(lo * F, (lo + n) * F));
  const grad = (x, free) => {
    k.f32(k.X, count).set(x);
    k.i32(k.Y, n).set(y);
    const g = Float32Array.from(k.inputGradX(n, a.loss, drop));
    if (free) for (let e = 0; e < count; e++) if (frozen[e]) g[e] = 0;
    return g;
  };
  const xa = Float32Array.from(x0);
  if (spec.kind === 'ngm') {
    const g = normalise(grad(x0, true), n, F, spec.perGroup ? a.groupOf : null, a.nGroups);
    for (let e = 0; e < count; e++) xa[e] = x0[e] + Math.fround(epsVec[e % F] * g[e]);
    restrict(x0, xa, frozen, cap, count);
    return xa;
  }
  // PGD
  const steps = spec.steps ?? 10;
  const alpha = spec.alpha ?? (2.5 * spec.eps) / steps;
  const alphaVec = Float32Array.from(a.factors, (f) => f * alpha);
  const l2 = spec.norm === 'l2';
  const safe = Float32Array.from(a.factors, (f) => (f > 0 ? f : 1));
  for (let s = 0; s < steps; s++) {
    const g = grad(xa, true);
    const dir = l2 ? normalise(g, n, F, null, 1) : g.map(Math.sign);
    const sign = spec.descend ? -1 : 1;
    for (let e = 0; e < count; e++) xa[e] = xa[e] + sign * Math.fround(alphaVec[e % F] * dir[e]);
    // project onto the ball around x0
    for (let i = 0; i < n; i++) {
      const r = i * F;
      if (l2) {
        let sq = 0;
        for (let j = 0; j < F; j++) {
          const q = Math.fround(Math.fround(xa[r + j] - x0[r + j]) / safe[j]);
          sq += q * q;
        }
        const f = Math.min(1, Math.fround(spec.eps / Math.max(Math.fround(Math.sqrt(sq)), TINY)));
        for (let j = 0; j < F; j++) xa[r + j] = x0[r + j] + Math.fround(Math.fround(xa[r + j] - x0[r + j]) * f);
      } else {
        for (let j = 0; j < F; j++) {
          const d = Math.fround(xa[r + j] - x0[r + j]);
          xa[r + j] = x0[r + j] + Math.min(Math.max(d, -epsVec[j]), epsVec[j]);
        }
      }
    }
    restrict(x0, xa, frozen, cap, count);
  }
  return xa;
}

// ---------------------------------------------------------------- gradient penalty

/** d L_i / d x_i of rows x (n x F, labels already in Y) with frozen entries zeroed. */
function freeGradient(k, x, frozen, n, loss, drop) {
  k.f32(k.X, n * k.F).set(x);
  const g = Float32Array.from(k.inputGradX(n, loss, drop));
  for (let e = 0; e < g.length; e++) if (frozen[e]) g[e] = 0;
  return g;
}

/**
 * The input-gradient penalty lambda <||g||^2>, as train/loop.ts penaltySurrogate: its weight gradient
 * 2 lambda <J^T g> is the central finite difference lambda <[dL(x + h g) - dL(x - h g)] / h> along the
 * fixed free input gradient g, with h per jet such that every probe is `probe` long. Adds both passes'
 * parameter gradients (coefficient w_i / sum(w) * lambda / h_i, zero where g = 0) into gsum and returns
 * lambda * sum_i w_i ||g_i||^2 (the penalty's share of the reported loss, before dividing by sum(w)).
 */
function penalty(k, x, g, w, n, a, drop) {
  const { F, P } = k;
  const { lambda, probe } = a.penalty;
  const step = new Float32Array(n * F);
  const coef = new Float32Array(n);
  let value = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < F; j++) sq += g[i * F + j] * g[i * F + j];
    value += w[i] * Math.fround(sq);
    const norm = Math.fround(Math.sqrt(Math.fround(sq)));
    const h = Math.fround(probe / Math.max(norm, 1e-12));
    for (let j = 0; j < F; j++) step[i * F + j] = Math.fround(g[i * F + j] * h);
    coef[i] = norm > 0 ? Math.fround((Math.fround(w[i] * a.scale) * lambda) / h) : 0;
  }
  for (const sign of [1, -1]) {
    const X = k.f32(k.X, n * F);
    for (let e = 0; e < n * F; e++) X[e] = x[e] + sign * step[e];
    const W = k.f32(k.Wt, n);
    for (let i = 0; i < n; i++) W[i] = sign * coef[i];
    const Z = k.forwardX(n, drop);
    k.ex.loss(Z, k.Y, k.Wt, n, k.C, a.loss.focal ? 1 : 0, a.loss.gamma, 1, 0, k.D0);
    k.ex.backward(k.cfg, k.params, k.X, n, k.acts, drop ? k.masks : 0, k.D0, k.D1, k.grads, 0, k.scratch);
    k.ex.add_into(k.gsum, k.grads, P);
  }
  return lambda * value;
}

// ---------------------------------------------------------------- operations over row ranges

function kernelsFor(cache, module, a) {
  const key = a.widths.join(',');
  let k = cache.get(key);
  if (!k) {
    k = new DenseKernels(module, a.widths);
    cache.set(key, k);
  }
  k.setParams(a.params);
  return k;
}

function eachChunk(lo, hi, chunk, f) {
  for (let s = lo; s < hi; s += chunk) f(s, Math.min(hi, s + chunk) - s);
}

const ops = {
  /** out[rows] = class probabilities (inference). */
  probs(k, a, lo, hi) {
    eachChunk(lo, hi, CHUNK, (s, n) => {
      k.loadRows(a.x, null, s, n);
      const Z = k.forwardX(n, null);
      k.ex.softmax(Z, n, k.C, k.P_);
      a.out.set(k.f32(k.P_, n * k.C), s * k.C);
    });
  },

  /** out[rows] = logits (inference). */
  logits(k, a, lo, hi) {
    eachChunk(lo, hi, CHUNK, (s, n) => {
      k.loadRows(a.x, null, s, n);
      a.out.set(k.f32(k.forwardX(n, null), n * k.C), s * k.C);
    });
  },

  /** out[rows] = per-jet loss (inference). */
  loss(k, a, lo, hi) {
    eachChunk(lo, hi, CHUNK, (s, n) => {
      k.loadRows(a.x, a.y, s, n);
      const Z = k.forwardX(n, null);
      k.ex.loss(Z, k.Y, 0, n, k.C, a.loss.focal ? 1 : 0, a.loss.gamma, 1, k.lossOut, 0);
      a.out.set(k.f32(k.lossOut, n), s);
    });
  },

  /** out[rows] = per-jet input gradient; dropout if a.drop is set. */
  inputGrad(k, a, lo, hi) {
    eachChunk(lo, hi, CHUNK, (s, n) => {
      k.loadRows(a.x, a.y, s, n);
      a.out.set(k.inputGradX(n, a.loss, dropoutAt(a.drop, s)), s * k.F);
    });
  },

  /** out[rows] = attacked rows (FGSM, NGM, PGD). */
  attack(k, a, lo, hi) {
    eachChunk(lo, hi, CHUNK, (s, n) => {
      k.ensure(n);
      a.out.set(attackRows(k, a, s, n, dropoutAt(a.drop, s)), s * k.F);
    });
  },

  /**
   * out[rows] = H_i v_i, the input Hessian of each jet's loss times v_i, as landscape/directions.ts
   * hessianVector computes it (exact for a ReLU network up to the logit-space difference): H = J^T S J
   * with J = d logits / d x (one backward pass per class) and S v' a central difference (h = 1e-3) of
   * d L / d logits along v' = J v.
   */
  hvp(k, a, lo, hi) {
    const { F, C } = k;
    const h = 1e-3;
    eachChunk(lo, hi, 1024, (s, n) => {
      k.loadRows(a.x, a.y, s, n);
      const z = Float32Array.from(k.f32(k.forwardX(n, null), n * C));
      const J = [];
      for (let c = 0; c < C; c++) {
        const d = k.f32(k.D0, n * C).fill(0);
        for (let i = 0; i < n; i++) d[i * C + c] = 1;
        k.ex.backward(k.cfg, k.params, k.X, n, k.acts, 0, k.D0, k.D1, 0, k.dX, k.scratch);
        J.push(Float32Array.from(k.f32(k.dX, n * F)));
      }
      const v = a.v.subarray(s * F, (s + n) * F);
      const u = new Float32Array(n * C);
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < n; i++) {
          let t = 0;
          for (let j = 0; j < F; j++) t += J[c][i * F + j] * v[i * F + j];
          u[i * C + c] = t;
        }
      }
      const gradZ = (sign) => {
        const zz = k.f32(k.P_, n * C);
        for (let e = 0; e < n * C; e++) zz[e] = z[e] + Math.fround(u[e] * h) * sign;
        k.ex.loss(k.P_, k.Y, 0, n, C, a.loss.focal ? 1 : 0, a.loss.gamma, 1, 0, k.D1);
        return Float32Array.from(k.f32(k.D1, n * C));
      };
      const up = gradZ(1);
      const down = gradZ(-1);
      const out = a.out.subarray(s * F, (s + n) * F);
      out.fill(0);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < C; c++) {
          const su = Math.fround(Math.fround(up[i * C + c] - down[i * C + c]) / (2 * h));
          for (let j = 0; j < F; j++) out[i * F + j] += su * J[c][i * F + j];
        }
      }
    });
  },

  /**
   * Loss surface rows: sums[i * nb + j] = sum over jets of L(x + A[i] d1 + B[j] d2), for the grid rows
   * i in [lo, hi). Jets are summed in order (double precision), so the split over rows changes nothing.
   */
  surface(k, a, lo, hi) {
    const { F } = k;
    const n = a.y.length;
    const nb = a.offsetsB.length;
    const J = Math.min(n, CHUNK);
    const kb = Math.max(1, Math.floor(CHUNK / J));
    k.ensure(kb * J);
    for (let i = lo; i < hi; i++) {
      const ai = a.offsetsA[i];
      for (let j0 = 0; j0 < n; j0 += J) {
        const nj = Math.min(J, n - j0);
        for (let b0 = 0; b0 < nb; b0 += kb) {
          const nbk = Math.min(kb, nb - b0);
          const X = k.f32(k.X, nbk * nj * F);
          const Y = k.i32(k.Y, nbk * nj);
          for (let q = 0; q < nbk; q++) {
            const bj = a.offsetsB[b0 + q];
            for (let r = 0; r < nj; r++) {
              const src = (j0 + r) * F;
              const dst = (q * nj + r) * F;
              for (let f = 0; f < F; f++) X[dst + f] = Math.fround(a.x[src + f] + Math.fround(ai * a.d1[src + f])) + Math.fround(bj * a.d2[src + f]);
              Y[q * nj + r] = a.y[j0 + r];
            }
          }
          const rows = nbk * nj;
          const Z = k.forwardX(rows, null);
          k.ex.loss(Z, k.Y, 0, rows, k.C, a.loss.focal ? 1 : 0, a.loss.gamma, 1, k.lossOut, 0);
          const l = k.f32(k.lossOut, rows);
          for (let q = 0; q < nbk; q++) {
            let sum = 0;
            for (let r = 0; r < nj; r++) sum += l[q * nj + r];
            a.sums[i * nb + b0 + q] += sum;
          }
        }
      }
    }
  },

  /**
   * Training parts: for each part p in `parts` (rows bounds[p]..bounds[p+1] of the batch), optionally
   * attack the rows (a.attack, with this step's dropout), then forward with dropout, the weighted loss
   * and backward, plus the gradient penalty (a.penalty, frozen entries a.frozen); writes the part's gradient (sum over its rows of w_i / sum(w) * dL_i/dtheta) to
   * grads[p * P ...] and [sum of w_i L_i, hits] to stats[2p, 2p + 1].
   */
  train(k, a, parts) {
    const { F, P } = k;
    for (const p of parts) {
      const lo = a.bounds[p];
      const n = a.bounds[p + 1] - lo;
      a.stats[2 * p] = 0;
      a.stats[2 * p + 1] = 0;
      const g = a.grads.subarray(p * P, (p + 1) * P);
      if (n === 0) {
        g.fill(0);
        continue;
      }
      const drop = dropoutAt(a.drop, lo);
      k.ensure(n);
      const xa = a.attack ? attackRows(k, { ...a.attack, x: a.x, y: a.y, loss: a.loss }, lo, n, drop) : a.x.subarray(lo * F, (lo + n) * F);
      // A copy where the penalty below rewrites the kernels' X, of which an FGSM result is a view.
      const x = a.attack && a.penalty ? Float32Array.from(xa) : xa;
      if (a.xOut) a.xOut.set(x, lo * F);
      k.i32(k.Y, n).set(a.y.subarray(lo, lo + n));
      const w = a.w.subarray(lo, lo + n);
      // The gradient penalty's probe direction: the input gradient over free inputs, with this step's dropout.
      const gFree = a.penalty ? freeGradient(k, x, a.frozen.subarray(lo * F, (lo + n) * F), n, a.loss, drop) : null;
      k.f32(k.X, n * F).set(x);
      k.f32(k.Wt, n).set(w);
      const Z = k.forwardX(n, drop);
      const hits = k.ex.loss(Z, k.Y, k.Wt, n, k.C, a.loss.focal ? 1 : 0, a.loss.gamma, a.scale, k.lossOut, k.D0);
      k.ex.backward(k.cfg, k.params, k.X, n, k.acts, drop ? k.masks : 0, k.D0, k.D1, k.grads, 0, k.scratch);
      const l = k.f32(k.lossOut, n);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += w[i] * l[i];
      if (gFree) {
        k.f32(k.gsum, P).set(k.f32(k.grads, P));
        sum += penalty(k, x, gFree, w, n, a, drop);
        g.set(k.f32(k.gsum, P));
      } else {
        g.set(k.f32(k.grads, P));
      }
      a.stats[2 * p] = sum;
      a.stats[2 * p + 1] = hits;
    }
  },
};

/**
 * Takes chunks (row ranges or training parts) of one operation until none is left; every thread of the
 * pool runs this on the same `chunks`, so a thread that is slow (or descheduled on a loaded machine) takes
 * fewer. sync = [next chunk, chunks in flight, failed]: a thread counts itself in flight before it claims
 * a chunk and out after finishing it, and the caller waits until nothing is in flight, so no chunk can be
 * claimed unseen. Each chunk writes only its own outputs, so who takes it changes no result.
 */
export function takeChunks(cache, module, op, a, chunks, sync) {
  for (;;) {
    Atomics.add(sync, 1, 1);
    try {
      const c = Atomics.add(sync, 0, 1);
      if (c >= chunks.length || Atomics.load(sync, 2) !== 0) return;
      runOp(cache, module, op, a, chunks[c]);
    } catch (e) {
      Atomics.store(sync, 2, 1);
      throw e;
    } finally {
      if (Atomics.sub(sync, 1, 1) === 1) Atomics.notify(sync, 1);
    }
  }
}

/**
 * Runs operation `op` with arguments `a` on this thread's share: rows [lo, hi) for row operations, the
 * listed parts for `train`. Kernel instances are cached per network shape in `cache`.
 */
export function runOp(cache, module, op, a, share) {
  const k = kernelsFor(cache, module, a);
  if (op === 'train') ops.train(k, a, share.parts);
  else ops[op](k, a, share.lo, share.hi);
}
