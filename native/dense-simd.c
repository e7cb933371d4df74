/*
 * Kernels of the dense tagger (a ReLU MLP ending in logits) for WebAssembly SIMD (f32x4).
 * Built by `npm run build:wasm` (scripts/build-wasm.js) into native/dense-simd.wasm, which is committed;
 * no libc: memory is imported from JavaScript, which lays out every buffer (main/engine/fast/).
 *
 * Numerics, kept deliberately simple so that results never depend on how rows are split over threads:
 * - every product is a plain multiply then add (no FMA), accumulated over k in order, so one output row
 *   of a matrix product is the same bit for bit whichever rows it is computed with;
 * - dropout masks are a counter-based hash of (seed, layer, row, column), the row counted from the start
 *   of the batch, so a split batch draws the masks the whole batch would;
 * - sums over rows (weight gradients) are taken per fixed part of the batch and added in part order by
 *   the caller, which is what makes one thread and two threads agree exactly.
 * exp and log are computed in double precision (wasm has no libm here) and rounded once to float.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))
#define INLINE static inline __attribute__((always_inline))

/* ---------------------------------------------------------------- elementary functions, double */

static double exp_d(double x) {
  if (x < -745.0) return 0.0;
  if (x > 709.0) return __builtin_inf();
  const double ln2 = 0.6931471805599453;
  double k = __builtin_rint(x * 1.4426950408889634);
  double r = x - k * ln2; /* |r| <= 0.35 */
  /* Taylor to r^12: relative error < 1e-16 on |r| <= 0.35 */
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  int64_t e = (int64_t)k;
  /* 2^k by its bits; k in [-1075, 1023], split in two to stay in the normal range */
  int64_t e1 = e / 2, e2 = e - e1;
  union { double d; uint64_t u; } s1 = { .u = (uint64_t)(e1 + 1023) << 52 }, s2 = { .u = (uint64_t)(e2 + 1023) << 52 };
  return p * s1.d * s2.d;
}

static double log_d(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -__builtin_inf() : __builtin_nan("");
  if (x == __builtin_inf()) return x;
  union { double d; uint64_t u; } v = { .d = x };
  int64_t e = (int64_t)((v.u >> 52) & 0x7ff);
  if (e == 0) { /* subnormal: scale up */
    v.d = x * 4503599627370496.0; /* 2^52 */
    e = (int64_t)((v.u >> 52) & 0x7ff) - 52;
  }
  e -= 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL; /* m in [1, 2) */
  double m = v.d;
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double s = (m - 1.0) / (m + 1.0), s2 = s * s; /* |s| < 0.172 */
  double p = 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return 2.0 * s * p + (double)e * 0.6931471805599453;
}

/* ---------------------------------------------------------------- matrix products */

/*
 * C[M x N] (row stride ldc) = op(A) . B, where op(A)[i][k] = A[i * sai + k * sak] (sai = lda, sak = 1
 * for A itself; sai = 1, sak = lda for A transposed) and B is K x N with row stride ldb. With `bias`, row
 * by row C = (op(A) . B) + bias. Register tile 4 x 8 (eight f32x4 accumulators): larger tiles spill in V8.
 */
INLINE void tile(int R, int V, int K, const f32 *A, int sai, int sak, const f32 *B, int ldb, f32 *C, int ldc, const f32 *bias) {
  v128_t acc[4][2];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = wasm_f32x4_splat(0.0f);
  for (int k = 0; k < K; k++) {
    v128_t b[2];
    for (int v = 0; v < V; v++) b[v] = wasm_v128_load(B + k * ldb + 4 * v);
    for (int r = 0; r < R; r++) {
      v128_t a = wasm_f32x4_splat(A[r * sai + k * sak]);
      for (int v = 0; v < V; v++) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(a, b[v]));
    }
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) {
      v128_t c = acc[r][v];
      if (bias) c = wasm_f32x4_add(c, wasm_v128_load(bias + 4 * v));
      wasm_v128_store(C + r * ldc + 4 * v, c);
    }
}

/* Columns left over after the vector tiles: one at a time, same order of operations. */
INLINE void tile_scalar(int R, int K, const f32 *A, int sai, int sak, const f32 *B, int ldb, f32 *C, int ldc, const f32 *bias) {
  f32 acc[4] = { 0, 0, 0, 0 };
  for (int k = 0; k < K; k++) {
    f32 b = B[k * ldb];
    for (int r = 0; r < R; r++) acc[r] = acc[r] + A[r * sai + k * sak] * b;
  }
  for (int r = 0; r < R; r++) C[r * ldc] = bias ? acc[r] + bias[0] : acc[r];
}

INLINE void row_block(int R, int N, int K, const f32 *A, int sai, int sak, const f32 *B, int ldb, f32 *C, int ldc, const f32 *bias) {
  int j = 0;
  for (; j + 8 <= N; j += 8) tile(R, 2, K, A, sai, sak, B + j, ldb, C + j, ldc, bias ? bias + j : 0);
  for (; j + 4 <= N; j += 4) tile(R, 1, K, A, sai, sak, B + j, ldb, C + j, ldc, bias ? bias + j : 0);
  for (; j < N; j++) tile_scalar(R, K, A, sai, sak, B + j, ldb, C + j, ldc, bias ? bias + j : 0);
}

static void gemm(int M, int N, int K, const f32 *A, int sai, int sak, const f32 *B, int ldb, f32 *C, int ldc, const f32 *bias) {
  int i = 0;
  for (; i + 4 <= M; i += 4) row_block(4, N, K, A + i * sai, sai, sak, B, ldb, C + i * ldc, ldc, bias);
  for (; i < M; i++) row_block(1, N, K, A + i * sai, sai, sak, B, ldb, C + i * ldc, ldc, bias);
}

/* C = A . B (+ bias), A M x K, B K x N, all rows contiguous. */
EXPORT(matmul) void matmul(int M, int N, int K, const f32 *A, const f32 *B, f32 *C, const f32 *bias) {
  gemm(M, N, K, A, K, 1, B, N, C, N, bias);
}

/* C = A^T . B, A M x K, B M x N: C is K x N (the weight gradient H^T dZ). */
EXPORT(matmul_tn) void matmul_tn(int M, int N, int K, const f32 *A, const f32 *B, f32 *C) {
  gemm(K, N, M, A, 1, K, B, N, C, N, 0);
}

/* T = W^T for W rows x cols. */
EXPORT(transpose) void transpose(int rows, int cols, const f32 *W, f32 *T) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) T[j * rows + i] = W[i * cols + j];
}

/* C = A . B^T, A M x N, B K x N: C is M x K (dH = dZ W^T). `scratch` holds B^T (N x K). */
EXPORT(matmul_nt) void matmul_nt(int M, int N, int K, const f32 *A, const f32 *B, f32 *C, f32 *scratch) {
  transpose(K, N, B, scratch);
  gemm(M, K, N, A, N, 1, scratch, K, C, K, 0);
}

/* ---------------------------------------------------------------- the network */

/*
 * cfg = [L, w0, w1, ..., wL]: L dense layers, w0 inputs, wL outputs. Parameters are packed as tfjs
 * orders the variables: W0 (w0 x w1, row-major), b0, W1, b1, ...
 * acts holds every layer's output for `n` rows back to back (layer l: n x w(l+1); the last is the
 * logits); masks (dropout scales, 0 or 1/keep) has the same layout for the hidden layers.
 */
INLINE int layer_params(const int *cfg, int l) {
  int off = 0;
  for (int i = 0; i < l; i++) off += cfg[1 + i] * cfg[2 + i] + cfg[2 + i];
  return off;
}

INLINE int layer_acts(const int *cfg, int l, int n) {
  int off = 0;
  for (int i = 0; i < l; i++) off += n * cfg[2 + i];
  return off;
}

INLINE uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352dU;
  h ^= h >> 15;
  h *= 0x846ca68bU;
  h ^= h >> 16;
  return h;
}

/* Z = Z > 0 ? Z : 0 */
static void relu(f32 *Z, int count) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int e = 0;
  for (; e + 4 <= count; e += 4) {
    v128_t z = wasm_v128_load(Z + e);
    wasm_v128_store(Z + e, wasm_v128_and(z, wasm_f32x4_gt(z, zero)));
  }
  for (; e < count; e++) Z[e] = Z[e] > 0.0f ? Z[e] : 0.0f;
}

/* The uniform number in [0, 1) of dropout entry idx: a hash of (key, idx), 24 bits. */
INLINE f32 dropout_uniform(uint32_t key, uint32_t idx) {
  return (f32)(mix32((idx * 0x9e3779b9U) ^ key) >> 8) * (1.0f / 16777216.0f);
}

INLINE v128_t mix32x4(v128_t h) {
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat((int32_t)0x7feb352dU));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 15));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat((int32_t)0x846ca68bU));
  return wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
}

/*
 * ReLU, then dropout: entry (i, j) of the n x out layer (row i counted from row0) is kept with
 * probability keep and scaled by `scale`; S receives the scales (0 or scale) for the backward pass.
 */
static void relu_dropout(f32 *Z, f32 *S, int n, int out, uint32_t key, f32 keep, f32 scale, int row0) {
  v128_t zero = wasm_f32x4_splat(0.0f), K = wasm_f32x4_splat(keep), SC = wasm_f32x4_splat(scale);
  v128_t KEY = wasm_i32x4_splat((int32_t)key), GOLD = wasm_i32x4_splat((int32_t)0x9e3779b9U), LANE = wasm_i32x4_make(0, 1, 2, 3);
  v128_t UNIT = wasm_f32x4_splat(1.0f / 16777216.0f);
  for (int i = 0; i < n; i++) {
    uint32_t base = (uint32_t)(row0 + i) * (uint32_t)out;
    f32 *z = Z + i * out, *s = S + i * out;
    int j = 0;
    for (; j + 4 <= out; j += 4) {
      v128_t idx = wasm_i32x4_add(wasm_i32x4_splat((int32_t)(base + (uint32_t)j)), LANE);
      v128_t h = mix32x4(wasm_v128_xor(wasm_i32x4_mul(idx, GOLD), KEY));
      v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_shr(h, 8)), UNIT);
      v128_t sv = wasm_v128_and(SC, wasm_f32x4_lt(u, K));
      v128_t zv = wasm_v128_load(z + j);
      wasm_v128_store(s + j, sv);
      wasm_v128_store(z + j, wasm_f32x4_mul(wasm_v128_and(zv, wasm_f32x4_gt(zv, zero)), sv));
    }
    for (; j < out; j++) {
      f32 sv = dropout_uniform(key, base + (uint32_t)j) < keep ? scale : 0.0f;
      s[j] = sv;
      z[j] = (z[j] > 0.0f ? z[j] : 0.0f) * sv;
    }
  }
}

/*
 * Forward pass of rows [row0, row0 + n) of a batch (row0 only seeds dropout). keep < 1 applies dropout
 * after every hidden ReLU with mask scale `scale` (= 1/keep in float, as tfjs computes it), drawn from
 * `seed`; the masks are stored for the backward pass.
 */
EXPORT(forward) void forward(const int *cfg, const f32 *params, const f32 *X, int n, f32 *acts, f32 *masks, uint32_t seed, f32 keep, f32 scale, int row0) {
  int L = cfg[0];
  const f32 *H = X;
  for (int l = 0; l < L; l++) {
    int in = cfg[1 + l], out = cfg[2 + l];
    const f32 *W = params + layer_params(cfg, l);
    f32 *Z = acts + layer_acts(cfg, l, n);
    gemm(n, out, in, H, in, 1, W, out, Z, out, W + in * out);
    if (l + 1 < L) {
      if (keep < 1.0f) relu_dropout(Z, masks + layer_acts(cfg, l, n), n, out, mix32(seed ^ mix32(0x9e3779b9U * (uint32_t)(l + 1))), keep, scale, row0);
      else relu(Z, n * out);
    }
    H = Z;
  }
}

/*
 * Per-jet loss of logits Z (n x C) against labels y: cross-entropy -ln p_y, or with focal != 0 the focal
 * loss -(1 - p_y)^gamma ln p_y with 1 - p_y floored at 1e-7 (as losses.ts). With dZ, also
 * dZ[i] = coef_i * d loss_i / d z_i with coef_i = w[i] * scale (w null: scale). hits counts argmax = y.
 */
EXPORT(loss) int loss(const f32 *Z, const int *y, const f32 *w, int n, int C, int focal, double gamma, double scale, f32 *out, f32 *dZ) {
  int hits = 0;
  for (int i = 0; i < n; i++) {
    const f32 *z = Z + i * C;
    int t = y[i], arg = 0;
    f32 mx = z[0];
    for (int j = 1; j < C; j++)
      if (z[j] > mx) { mx = z[j]; arg = j; }
    if (arg == t) hits++;
    double s = 0.0;
    for (int j = 0; j < C; j++) s += exp_d((double)z[j] - mx);
    double lse = log_d(s);
    double lpt = (double)z[t] - mx - lse;
    double pt = exp_d(lpt);
    double l, dldlp;
    if (focal && gamma != 0.0) {
      double q = 1.0 - pt;
      int floored = q < 1e-7;
      if (floored) q = 1e-7;
      double qg = exp_d(gamma * log_d(q));
      l = -qg * lpt;
      dldlp = floored ? -qg : -qg + gamma * (qg / q) * pt * lpt;
    } else {
      l = -lpt;
      dldlp = -1.0;
    }
    if (out) out[i] = (f32)l;
    if (dZ) {
      double coef = (w ? (double)w[i] : 1.0) * scale * dldlp;
      for (int j = 0; j < C; j++) {
        double p = exp_d((double)z[j] - mx - lse);
        dZ[i * C + j] = (f32)(coef * ((j == t ? 1.0 : 0.0) - p));
      }
    }
  }
  return hits;
}

/* Class probabilities (softmax) of logits Z, n x C. */
EXPORT(softmax) void softmax(const f32 *Z, int n, int C, f32 *P) {
  for (int i = 0; i < n; i++) {
    const f32 *z = Z + i * C;
    f32 mx = z[0];
    for (int j = 1; j < C; j++) mx = z[j] > mx ? z[j] : mx;
    double s = 0.0;
    for (int j = 0; j < C; j++) s += exp_d((double)z[j] - mx);
    double lse = log_d(s);
    for (int j = 0; j < C; j++) P[i * C + j] = (f32)exp_d((double)z[j] - mx - lse);
  }
}

/* g[j] = sum over rows i (in order) of D[i][j], D n x out. */
static void column_sums(const f32 *D, int n, int out, f32 *g) {
  int j = 0;
  for (; j + 4 <= out; j += 4) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < n; i++) acc = wasm_f32x4_add(acc, wasm_v128_load(D + i * out + j));
    wasm_v128_store(g + j, acc);
  }
  for (; j < out; j++) {
    f32 acc = 0.0f;
    for (int i = 0; i < n; i++) acc = acc + D[i * out + j];
    g[j] = acc;
  }
}

/*
 * Through dropout and ReLU: dH = A > 0 ? dH * S : 0 (S null: no dropout). A kept unit's output A is > 0
 * exactly where its pre-activation is, and a dropped one has S = 0.
 */
static void relu_backward(f32 *dH, const f32 *A, const f32 *S, int count) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int e = 0;
  for (; e + 4 <= count; e += 4) {
    v128_t d = wasm_v128_load(dH + e);
    if (S) d = wasm_f32x4_mul(d, wasm_v128_load(S + e));
    wasm_v128_store(dH + e, wasm_v128_and(d, wasm_f32x4_gt(wasm_v128_load(A + e), zero)));
  }
  for (; e < count; e++) dH[e] = A[e] > 0.0f ? (S ? dH[e] * S[e] : dH[e]) : 0.0f;
}

/*
 * Backward pass from dZ of the last layer (n x wL, in buffer D0; D0 and D1 each hold n x max width and
 * are overwritten). With grads, writes every parameter's gradient (summed over the n rows); with dX, the
 * input gradient (n x w0). masks null = no dropout. scratch holds one transposed weight matrix.
 */
EXPORT(backward) void backward(const int *cfg, const f32 *params, const f32 *X, int n, const f32 *acts, const f32 *masks, f32 *D0, f32 *D1, f32 *grads, f32 *dX, f32 *scratch) {
  int L = cfg[0];
  f32 *dZ = D0, *dH = D1;
  for (int l = L - 1; l >= 0; l--) {
    int in = cfg[1 + l], out = cfg[2 + l];
    const f32 *H = l == 0 ? X : acts + layer_acts(cfg, l - 1, n);
    const f32 *W = params + layer_params(cfg, l);
    if (grads) {
      f32 *gW = grads + layer_params(cfg, l), *gb = gW + in * out;
      gemm(in, out, n, H, 1, in, dZ, out, gW, out, 0);
      column_sums(dZ, n, out, gb);
    }
    if (l == 0) {
      if (dX) matmul_nt(n, out, in, dZ, W, dX, scratch);
      break;
    }
    matmul_nt(n, out, in, dZ, W, dH, scratch);
    relu_backward(dH, H, masks ? masks + layer_acts(cfg, l - 1, n) : 0, n * in);
    f32 *t = dZ;
    dZ = dH;
    dH = t;
  }
}

/* ---------------------------------------------------------------- attacks */

/* JavaScript's Math.max and Math.min, which the reference attacks use: NaN if either is NaN, +0 > -0. */
INLINE f32 js_max(f32 a, f32 b) {
  if (a != a || b != b) return a + b;
  if (a == b) return __builtin_signbit(a) ? b : a;
  return a > b ? a : b;
}

INLINE f32 js_min(f32 a, f32 b) {
  if (a != a || b != b) return a + b;
  if (a == b) return __builtin_signbit(a) ? a : b;
  return a < b ? a : b;
}

/*
 * FGSM in place on n x F rows X from their input gradient G (dX of backward): where G != 0 and the entry
 * is not frozen, X + eps[j] sign(G); then every free entry is rebuilt as X0 + delta with delta = X - X0
 * bounded by cap (cap null: unbounded), and frozen entries keep X0 bit for bit. Float arithmetic step by
 * step, the same numbers as the JavaScript of native/dense-ops.mjs's other attacks (restrict).
 */
EXPORT(fgsm) void fgsm(f32 *X, const f32 *G, const uint8_t *frozen, const f32 *eps, const f32 *cap, int n, int F) {
  for (int i = 0, e = 0; i < n; i++)
    for (int j = 0; j < F; j++, e++) {
      if (frozen[e]) continue;
      f32 x0 = X[e], g = G[e], xa = x0;
      if (g != 0.0f) xa = x0 + (g > 0.0f ? eps[j] : -eps[j]);
      f32 d = xa - x0;
      if (cap) d = js_min(js_max(d, -cap[e]), cap[e]);
      X[e] = x0 + d;
    }
}

/* dst += src, elementwise. */
EXPORT(add_into) void add_into(f32 *dst, const f32 *src, int count) {
  int e = 0;
  for (; e + 4 <= count; e += 4) wasm_v128_store(dst + e, wasm_f32x4_add(wasm_v128_load(dst + e), wasm_v128_load(src + e)));
  for (; e < count; e++) dst[e] = dst[e] + src[e];
}

/*
 * One Adam step over all parameters, in float as adam.ts does it with tfjs ops:
 * m = m b1 + g (1 - b1); v = v b2 + g^2 (1 - b2); p -= (m lr/c1) / (sqrt(v / c2) + eps).
 */
EXPORT(adam) void adam(f32 *p, const f32 *g, f32 *m, f32 *v, int count, f32 b1, f32 omb1, f32 b2, f32 omb2, f32 lrc1, f32 c2, f32 eps) {
  v128_t B1 = wasm_f32x4_splat(b1), O1 = wasm_f32x4_splat(omb1), B2 = wasm_f32x4_splat(b2), O2 = wasm_f32x4_splat(omb2);
  v128_t LR = wasm_f32x4_splat(lrc1), C2 = wasm_f32x4_splat(c2), EPS = wasm_f32x4_splat(eps);
  int e = 0;
  for (; e + 4 <= count; e += 4) {
    v128_t gg = wasm_v128_load(g + e);
    v128_t mm = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + e), B1), wasm_f32x4_mul(gg, O1));
    v128_t vv = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + e), B2), wasm_f32x4_mul(wasm_f32x4_mul(gg, gg), O2));
    wasm_v128_store(m + e, mm);
    wasm_v128_store(v + e, vv);
    v128_t up = wasm_f32x4_div(wasm_f32x4_mul(mm, LR), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vv, C2)), EPS));
    wasm_v128_store(p + e, wasm_f32x4_sub(wasm_v128_load(p + e), up));
  }
  for (; e < count; e++) {
    f32 mm = m[e] * b1 + g[e] * omb1;
    f32 vv = v[e] * b2 + (g[e] * g[e]) * omb2;
    m[e] = mm;
    v[e] = vv;
    p[e] = p[e] - (mm * lrc1) / (__builtin_sqrtf(vv / c2) + eps);
  }
}
