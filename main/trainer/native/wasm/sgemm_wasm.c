// The portable path's matmul: the same packed-panel sgemm as native/src/sgemm.cc, written for
// WebAssembly SIMD128 (4 lanes, mul + add: relaxed-SIMD FMA is not in Node 20's V8). Built once by
// build.sh with clang and embedded in engine/wasmKernelsBinary.ts, so it needs no compiler at
// install and no file lookup at run time: it runs wherever Node or Electron runs.
//
// Freestanding: no libc, no allocator. The caller (engine/wasmKernels.ts) lays out the operands
// and the packing buffers in this module's memory and passes their addresses.
#include <wasm_simd128.h>

#define MR 4
#define NR 8
#define KC 256
#define MC 128

static inline int min_i(int a, int b) { return a < b ? a : b; }

static void pack_a(int tA, const float* A, int lda, int i0, int mc, int k0, int kc, float* Ap) {
  for (int p = 0; p < mc; p += MR) {
    const int rows = min_i(MR, mc - p);
    float* dst = Ap + p * kc;
    if (tA) {
      for (int k = 0; k < kc; ++k) {
        const float* src = A + (k0 + k) * lda + i0 + p;
        int r = 0;
        for (; r < rows; ++r) dst[k * MR + r] = src[r];
        for (; r < MR; ++r) dst[k * MR + r] = 0.f;
      }
    } else {
      for (int r = 0; r < MR; ++r) {
        if (r < rows) {
          const float* src = A + (i0 + p + r) * lda + k0;
          for (int k = 0; k < kc; ++k) dst[k * MR + r] = src[k];
        } else {
          for (int k = 0; k < kc; ++k) dst[k * MR + r] = 0.f;
        }
      }
    }
  }
}

static void pack_b(int tB, const float* B, int ldb, int k0, int kc, int nc, float* Bp) {
  for (int q = 0; q < nc; q += NR) {
    const int cols = min_i(NR, nc - q);
    float* dst = Bp + q * kc;
    if (!tB) {
      for (int k = 0; k < kc; ++k) {
        const float* src = B + (k0 + k) * ldb + q;
        if (cols == NR) {
          wasm_v128_store(dst + k * NR, wasm_v128_load(src));
          wasm_v128_store(dst + k * NR + 4, wasm_v128_load(src + 4));
        } else {
          int c = 0;
          for (; c < cols; ++c) dst[k * NR + c] = src[c];
          for (; c < NR; ++c) dst[k * NR + c] = 0.f;
        }
      }
    } else {
      for (int c = 0; c < NR; ++c) {
        if (c < cols) {
          const float* src = B + (q + c) * ldb + k0;
          for (int k = 0; k < kc; ++k) dst[k * NR + c] = src[k];
        } else {
          for (int k = 0; k < kc; ++k) dst[k * NR + c] = 0.f;
        }
      }
    }
  }
}

static void kernel(int kc, const float* a, const float* b, float* C, int ldc, int mr, int nr, float alpha, int overwrite) {
  v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; ++k) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t av = wasm_v128_load32_splat(a);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(av, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(av, b1));
    av = wasm_v128_load32_splat(a + 1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(av, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(av, b1));
    av = wasm_v128_load32_splat(a + 2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(av, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(av, b1));
    av = wasm_v128_load32_splat(a + 3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(av, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(av, b1));
    a += MR;
    b += NR;
  }
  const v128_t al = wasm_f32x4_splat(alpha);
  v128_t acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; ++r) {
      float* c = C + r * ldc;
      v128_t v0 = wasm_f32x4_mul(al, acc[2 * r]), v1 = wasm_f32x4_mul(al, acc[2 * r + 1]);
      if (!overwrite) {
        v0 = wasm_f32x4_add(v0, wasm_v128_load(c));
        v1 = wasm_f32x4_add(v1, wasm_v128_load(c + 4));
      }
      wasm_v128_store(c, v0);
      wasm_v128_store(c + 4, v1);
    }
    return;
  }
  float tile[MR * NR];
  for (int i = 0; i < 8; ++i) wasm_v128_store(tile + 4 * i, acc[i]);
  for (int r = 0; r < mr; ++r) {
    for (int j = 0; j < nr; ++j) {
      const float v = alpha * tile[r * NR + j];
      C[r * ldc + j] = overwrite ? v : C[r * ldc + j] + v;
    }
  }
}

// Floats of packing space sgemm needs for these sizes (the caller reserves it at `work`).
__attribute__((export_name("workSize"))) int work_size(int N, int K) {
  const int kc = min_i(KC, K);
  const int np = (N + NR - 1) / NR * NR;
  return MC * kc + np * kc + 32;
}

// C = alpha·op(A)·op(B) + beta·C with beta ∈ {0, 1} (the caller scales C for other betas).
__attribute__((export_name("sgemm"))) void sgemm(int tA, int tB, int M, int N, int K, float alpha, const float* A, int lda,
                                                 const float* B, int ldb, int overwrite, float* C, int ldc, float* work) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (overwrite) for (int i = 0; i < M; ++i) for (int j = 0; j < N; ++j) C[i * ldc + j] = 0.f;
    return;
  }
  // 16-byte align the panels for v128 loads.
  float* Ap = (float*)(((unsigned long)work + 15) & ~15ul);
  float* Bp = Ap + MC * min_i(KC, K);
  for (int pc = 0; pc < K; pc += KC) {
    const int kc = min_i(KC, K - pc);
    const int first = overwrite && pc == 0;
    pack_b(tB, tB ? B : B, ldb, pc, kc, N, Bp);
    for (int ic = 0; ic < M; ic += MC) {
      const int mc = min_i(MC, M - ic);
      pack_a(tA, A, lda, ic, mc, pc, kc, Ap);
      for (int jr = 0; jr < N; jr += NR) {
        const int nr = min_i(NR, N - jr);
        for (int ir = 0; ir < mc; ir += MR) {
          kernel(kc, Ap + ir * kc, Bp + jr * kc, C + (ic + ir) * ldc + jr, ldc, min_i(MR, mc - ir), nr, alpha, first);
        }
      }
    }
  }
}

// tf.train.adam's update for one variable (same arithmetic as native/src/ops.cc), 4 lanes at a
// time: the optimizer is ~40% of a portable MLP step when written in JavaScript.
__attribute__((export_name("adam"))) void adam(float* w, const float* g, float* m, float* v, int n, float lr, float beta1,
                                               float beta2, float eps, float oneMinusAccBeta1, float oneMinusAccBeta2) {
  const float ob1 = 1.f - beta1, ob2 = 1.f - beta2;
  const v128_t b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2);
  const v128_t o1 = wasm_f32x4_splat(ob1), o2 = wasm_f32x4_splat(ob2);
  const v128_t a1 = wasm_f32x4_splat(oneMinusAccBeta1), a2 = wasm_f32x4_splat(oneMinusAccBeta2);
  const v128_t e = wasm_f32x4_splat(eps), nlr = wasm_f32x4_splat(-lr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gi, o1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), o2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t mh = wasm_f32x4_div(mi, a1);
    const v128_t vh = wasm_f32x4_div(vi, a2);
    const v128_t step = wasm_f32x4_mul(nlr, wasm_f32x4_div(mh, wasm_f32x4_add(wasm_f32x4_sqrt(vh), e)));
    wasm_v128_store(w + i, wasm_f32x4_add(wasm_v128_load(w + i), step));
  }
  for (; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * ob1;
    const float vi = v[i] * beta2 + gi * gi * ob2;
    m[i] = mi;
    v[i] = vi;
    w[i] += -lr * ((mi / oneMinusAccBeta1) / (__builtin_sqrtf(vi / oneMinusAccBeta2) + eps));
  }
}
