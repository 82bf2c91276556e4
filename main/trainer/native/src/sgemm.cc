// Packed sgemm in the BLIS style: op(B) is packed into kc×NR panels (L1-resident), op(A) into
// MR×kc panels (an mc×kc block stays in L2), and a 6×16 register-blocked micro-kernel walks them.
// Transposes cost nothing extra: they only change how the panels are packed, which is why the
// weight-gradient products (Xᵀ·dY, dY·Wᵀ) run as fast as the forward one.
//
// Two micro-kernels: AVX2+FMA intrinsics (compiled with a target attribute, chosen at run time, so
// one binary serves old and new x86-64), and a plain C++ one that the compiler vectorises for the
// baseline ISA (SSE2 on x86-64, NEON on arm64).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "threads.h"

#if defined(__x86_64__) || defined(_M_X64)
#define STUDIO_X64 1
#include <immintrin.h>
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#define STUDIO_AVX2_FN
#else
#define STUDIO_AVX2_FN __attribute__((target("avx2,fma")))
#endif
#endif

namespace studio {

namespace {

constexpr int MR = 6;
constexpr int NR = 16;
#ifndef STUDIO_KC
#define STUDIO_KC 384
#endif
#ifndef STUDIO_MC
#define STUDIO_MC 96
#endif
constexpr int KC = STUDIO_KC;
constexpr int MC = STUDIO_MC;  // multiple of MR: 96×384 floats = 144 KiB of packed A, L2-resident
constexpr int NC = 4080; // multiple of NR

std::atomic<int> gForceGeneric{0};
std::atomic<int> gThreads{1};

bool detectAvx2Fma() {
#if STUDIO_X64
#if defined(_MSC_VER) && !defined(__clang__)
  int r[4];
  __cpuid(r, 0);
  if (r[0] < 7) return false;
  __cpuid(r, 1);
  const bool fma = (r[2] & (1 << 12)) != 0;
  const bool osxsave = (r[2] & (1 << 27)) != 0;
  const bool avx = (r[2] & (1 << 28)) != 0;
  if (!(fma && osxsave && avx)) return false;
  if ((_xgetbv(0) & 6) != 6) return false;  // the OS saves YMM state
  __cpuidex(r, 7, 0);
  return (r[1] & (1 << 5)) != 0;
#else
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#else
  return false;
#endif
}

const bool kHasAvx2Fma = detectAvx2Fma();

// ── packing ──────────────────────────────────────────────────────────────────────────────────────
// Ap: panels of MR rows; within a panel, for each k the MR values of column k. Rows past M are 0.
void packA(bool transA, const float* A, int lda, int i0, int mc, int k0, int kc, float* Ap) {
  if (transA && mc % MR == 0) {
    // op(A)(i, k) = A[k, i]: walk each source row once (mc contiguous floats) and scatter it into
    // the panels, instead of revisiting every row once per panel (Xᵀ·dY in the weight gradients,
    // where A is tall: rows of a 15k-row im2col matrix).
    for (int k = 0; k < kc; ++k) {
      const float* src = A + static_cast<size_t>(k0 + k) * lda + i0;
      float* dst = Ap + static_cast<size_t>(k) * MR;
      for (int p = 0; p < mc; p += MR, dst += static_cast<size_t>(MR) * kc) {
        for (int r = 0; r < MR; ++r) dst[r] = src[p + r];
      }
    }
    return;
  }
  for (int p = 0; p < mc; p += MR) {
    const int rows = std::min(MR, mc - p);
    float* dst = Ap + static_cast<size_t>(p) * kc;
    if (transA) {
      // op(A)(i, k) = A[k, i]: for each k the MR values are contiguous.
      for (int k = 0; k < kc; ++k) {
        const float* src = A + static_cast<size_t>(k0 + k) * lda + i0 + p;
        int r = 0;
        for (; r < rows; ++r) dst[k * MR + r] = src[r];
        for (; r < MR; ++r) dst[k * MR + r] = 0.f;
      }
    } else {
      for (int r = 0; r < MR; ++r) {
        if (r < rows) {
          const float* src = A + static_cast<size_t>(i0 + p + r) * lda + k0;
          for (int k = 0; k < kc; ++k) dst[k * MR + r] = src[k];
        } else {
          for (int k = 0; k < kc; ++k) dst[k * MR + r] = 0.f;
        }
      }
    }
  }
}

// Bp: panels of NR columns; within a panel, for each k the NR values of row k. Columns past N are 0.
void packB(bool transB, const float* B, int ldb, int k0, int kc, int j0, int nc, float* Bp) {
  for (int q = 0; q < nc; q += NR) {
    const int cols = std::min(NR, nc - q);
    float* dst = Bp + static_cast<size_t>(q) * kc;
    if (!transB) {
      for (int k = 0; k < kc; ++k) {
        const float* src = B + static_cast<size_t>(k0 + k) * ldb + j0 + q;
        if (cols == NR) {
          std::memcpy(dst + k * NR, src, NR * sizeof(float));
        } else {
          int c = 0;
          for (; c < cols; ++c) dst[k * NR + c] = src[c];
          for (; c < NR; ++c) dst[k * NR + c] = 0.f;
        }
      }
    } else {
      // op(B)(k, j) = B[j, k]: read each source row (contiguous in k) once.
      for (int c = 0; c < NR; ++c) {
        if (c < cols) {
          const float* src = B + static_cast<size_t>(j0 + q + c) * ldb + k0;
          for (int k = 0; k < kc; ++k) dst[k * NR + c] = src[k];
        } else {
          for (int k = 0; k < kc; ++k) dst[k * NR + c] = 0.f;
        }
      }
    }
  }
}

// Writes the MR×NR tile `acc` to C: overwrite (C = alpha·acc) or accumulate (C += alpha·acc).
inline void storeTile(const float* acc, float* C, int ldc, int mr, int nr, float alpha, bool overwrite) {
  for (int r = 0; r < mr; ++r) {
    float* c = C + static_cast<size_t>(r) * ldc;
    const float* a = acc + r * NR;
    if (overwrite) {
      for (int j = 0; j < nr; ++j) c[j] = alpha * a[j];
    } else {
      for (int j = 0; j < nr; ++j) c[j] += alpha * a[j];
    }
  }
}

// ── micro-kernels ────────────────────────────────────────────────────────────────────────────────
void kernelGeneric(int kc, const float* a, const float* b, float* C, int ldc, int mr, int nr, float alpha,
                   bool overwrite) {
  alignas(64) float acc[MR * NR] = {};
  for (int k = 0; k < kc; ++k) {
    const float* bk = b + k * NR;
    const float* ak = a + k * MR;
    for (int r = 0; r < MR; ++r) {
      const float av = ak[r];
      float* row = acc + r * NR;
      for (int j = 0; j < NR; ++j) row[j] += av * bk[j];
    }
  }
  storeTile(acc, C, ldc, mr, nr, alpha, overwrite);
}

#if STUDIO_X64
STUDIO_AVX2_FN
void kernelAvx2(int kc, const float* a, const float* b, float* C, int ldc, int mr, int nr, float alpha,
                bool overwrite) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
    a += MR;
    b += NR;
  }
  const __m256 al = _mm256_set1_ps(alpha);
  if (mr == MR && nr == NR) {
    // Straight-line stores (no array of register addresses, which can force the accumulators
    // through memory).
#define STUDIO_STORE_ROW(r, x0, x1)                                              \
  {                                                                             \
    float* c = C + static_cast<size_t>(r) * ldc;                               \
    __m256 v0 = _mm256_mul_ps(al, x0), v1 = _mm256_mul_ps(al, x1);             \
    if (!overwrite) {                                                           \
      v0 = _mm256_add_ps(v0, _mm256_loadu_ps(c));                              \
      v1 = _mm256_add_ps(v1, _mm256_loadu_ps(c + 8));                          \
    }                                                                           \
    _mm256_storeu_ps(c, v0);                                                    \
    _mm256_storeu_ps(c + 8, v1);                                                \
  }
    STUDIO_STORE_ROW(0, c00, c01)
    STUDIO_STORE_ROW(1, c10, c11)
    STUDIO_STORE_ROW(2, c20, c21)
    STUDIO_STORE_ROW(3, c30, c31)
    STUDIO_STORE_ROW(4, c40, c41)
    STUDIO_STORE_ROW(5, c50, c51)
#undef STUDIO_STORE_ROW
    return;
  }
  alignas(32) float acc[MR * NR];
  _mm256_store_ps(acc + 0, c00); _mm256_store_ps(acc + 8, c01);
  _mm256_store_ps(acc + 16, c10); _mm256_store_ps(acc + 24, c11);
  _mm256_store_ps(acc + 32, c20); _mm256_store_ps(acc + 40, c21);
  _mm256_store_ps(acc + 48, c30); _mm256_store_ps(acc + 56, c31);
  _mm256_store_ps(acc + 64, c40); _mm256_store_ps(acc + 72, c41);
  _mm256_store_ps(acc + 80, c50); _mm256_store_ps(acc + 88, c51);
  storeTile(acc, C, ldc, mr, nr, alpha, overwrite);
}
#endif

using Kernel = void (*)(int, const float*, const float*, float*, int, int, int, float, bool);

Kernel pickKernel() {
#if STUDIO_X64
  if (kHasAvx2Fma && !gForceGeneric.load(std::memory_order_relaxed)) return kernelAvx2;
#endif
  return kernelGeneric;
}

// Per-thread packing buffers, 64-byte aligned, grown on demand and reused across calls.
struct PackBuffers {
  std::vector<float> a, b;
  float* ap(size_t n) { return aligned(a, n); }
  float* bp(size_t n) { return aligned(b, n); }
  static float* aligned(std::vector<float>& v, size_t n) {
    if (v.size() < n + 16) v.resize(n + 16);
    auto addr = reinterpret_cast<uintptr_t>(v.data());
    return reinterpret_cast<float*>((addr + 63) & ~static_cast<uintptr_t>(63));
  }
};
thread_local PackBuffers tlsPack;

// One thread's sgemm with beta ∈ {0, 1} (other betas are applied to C before the call).
void sgemmSerial(bool tA, bool tB, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                 int ldb, bool overwrite, float* C, int ldc) {
  const Kernel kern = pickKernel();
  if (K == 0) {
    if (overwrite) {
      for (int i = 0; i < M; ++i) std::memset(C + static_cast<size_t>(i) * ldc, 0, sizeof(float) * N);
    }
    return;
  }
  const int ncMax = std::min(NC, (N + NR - 1) / NR * NR);
  // Split K into equal blocks (784 → 4 × 196, not 256+256+256+16): a short last block pays the
  // full packing and C-update cost for little work.
  const int kBlocks = (K + KC - 1) / KC;
  const int kcStep = (K + kBlocks - 1) / kBlocks;
  const int kcMax = std::min(kcStep, K);
  float* Bp = tlsPack.bp(static_cast<size_t>(ncMax) * kcMax);
  float* Ap = tlsPack.ap(static_cast<size_t>(MC) * kcMax);
  for (int jc = 0; jc < N; jc += NC) {
    const int nc = std::min(NC, N - jc);
    for (int pc = 0; pc < K; pc += kcStep) {
      const int kc = std::min(kcStep, K - pc);
      const bool first = overwrite && pc == 0;
      packB(tB, B, ldb, pc, kc, jc, nc, Bp);
      for (int ic = 0; ic < M; ic += MC) {
        const int mc = std::min(MC, M - ic);
        packA(tA, A, lda, ic, mc, pc, kc, Ap);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const float* bpan = Bp + static_cast<size_t>(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            kern(kc, Ap + static_cast<size_t>(ir) * kc, bpan, C + static_cast<size_t>(ic + ir) * ldc + jc + jr,
                 ldc, mr, nr, alpha, first);
          }
        }
      }
    }
  }
}

}  // namespace

ThreadPool& pool() {
  static ThreadPool* p = new ThreadPool();  // leaked on purpose (detached workers)
  return *p;
}

bool cpuHasAvx2Fma() { return kHasAvx2Fma; }
Isa activeIsa() { return pickKernel() == kernelGeneric ? Isa::Generic : Isa::Avx2Fma; }
void forceGeneric(bool on) { gForceGeneric.store(on ? 1 : 0); }
void setThreads(int n) { gThreads.store(std::max(1, std::min(n, 64))); }
int threads() { return gThreads.load(); }

void sgemm(bool tA, bool tB, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  bool overwrite = beta == 0.f;
  if (!overwrite && beta != 1.f) {
    for (int i = 0; i < M; ++i) {
      float* c = C + static_cast<size_t>(i) * ldc;
      for (int j = 0; j < N; ++j) c[j] *= beta;
    }
  }
  // Split across threads only when each part keeps ≥ ~2 M multiply-adds: below that, waking a
  // worker (tens of µs) costs more than it saves.
  const double work = static_cast<double>(M) * N * K;
  int parts = std::min(threads(), static_cast<int>(work / 2.0e6));
  if (parts <= 1) {
    sgemmSerial(tA, tB, M, N, K, alpha, A, lda, B, ldb, overwrite, C, ldc);
    return;
  }
  // A long reduction with a small output (the weight gradient of a conv: 288×64 over 15k rows):
  // split K. Each thread sums its chunks into its own M×N buffer, then the buffers are added.
  if (K >= 8 * std::max(M, N) && static_cast<size_t>(M) * N <= (1u << 20)) {
    const int kChunks = parts * 4;
    std::vector<std::vector<float>> partial(parts);
    std::vector<char> used(parts, 0);
    std::atomic<int> next{0};
    pool().run(parts, [&](int t) {
      std::vector<float>& acc = partial[t];
      for (int ch = next.fetch_add(1); ch < kChunks; ch = next.fetch_add(1)) {
        const int k0 = static_cast<int>(static_cast<long long>(K) * ch / kChunks);
        const int k1 = static_cast<int>(static_cast<long long>(K) * (ch + 1) / kChunks);
        if (k1 <= k0) continue;
        if (!used[t]) acc.assign(static_cast<size_t>(M) * N, 0.f);
        const float* Ak = tA ? A + static_cast<size_t>(k0) * lda : A + k0;
        const float* Bk = tB ? B + k0 : B + static_cast<size_t>(k0) * ldb;
        sgemmSerial(tA, tB, M, N, k1 - k0, alpha, Ak, lda, Bk, ldb, !used[t], acc.data(), N);
        used[t] = 1;
      }
    });
    for (int i = 0; i < M; ++i) {
      float* c = C + static_cast<size_t>(i) * ldc;
      if (overwrite) std::memset(c, 0, sizeof(float) * N);
      for (int t = 0; t < parts; ++t) {
        if (!used[t]) continue;
        const float* p = partial[t].data() + static_cast<size_t>(i) * N;
        for (int j = 0; j < N; ++j) c[j] += p[j];
      }
    }
    return;
  }
  // Split the output into tile-aligned strips; each strip packs its own panels, so split the side
  // whose operand is cheaper to pack again: strips of columns re-pack A (M×K), strips of rows
  // re-pack B (K×N). For X·W in an MLP (128×784 · 784×256) that means columns.
  const bool splitN = M <= N;
  const int unit = splitN ? NR : MR;
  const int extent = splitN ? N : M;
  const int units = (extent + unit - 1) / unit;
  parts = std::min(parts, units);
  if (parts <= 1) {
    sgemmSerial(tA, tB, M, N, K, alpha, A, lda, B, ldb, overwrite, C, ldc);
    return;
  }
  // Dynamic chunks (about 4 per thread) taken from an atomic counter instead of one static strip
  // per thread: on a busy machine a descheduled thread then delays only its current chunk, and the
  // others take the rest. Each chunk packs its own panels (a few % of its work at these sizes).
  const int chunks = std::min(units, parts * 4);
  std::atomic<int> next{0};
  pool().run(parts, [&](int) {
    for (int ch = next.fetch_add(1); ch < chunks; ch = next.fetch_add(1)) {
      const int s0 = units * ch / chunks * unit;
      const int s1 = std::min(extent, units * (ch + 1) / chunks * unit);
      if (s1 <= s0) continue;
      if (splitN) {
        const float* Bs = tB ? B + static_cast<size_t>(s0) * ldb : B + s0;
        sgemmSerial(tA, tB, M, s1 - s0, K, alpha, A, lda, Bs, ldb, overwrite, C + s0, ldc);
      } else {
        const float* As = tA ? A + s0 : A + static_cast<size_t>(s0) * lda;
        sgemmSerial(tA, tB, s1 - s0, N, K, alpha, As, lda, B, ldb, overwrite, C + static_cast<size_t>(s0) * ldc, ldc);
      }
    }
  });
}

}  // namespace studio
