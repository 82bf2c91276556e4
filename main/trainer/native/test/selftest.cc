// Standalone check of the kernels without Node (for cross-compiled targets run under an emulator):
//   aarch64-linux-gnu-g++ -O3 -std=c++17 -static -pthread -DSTUDIO_NO_SYMVER -I../src selftest.cc ../src/sgemm.cc ../src/ops.cc -o selftest
//   qemu-aarch64 ./selftest
// Compares sgemm in all transpose combinations, on edge shapes and with 1 and 2 threads, against a
// double-precision reference; exits non-zero on a mismatch beyond 1e-4 relative.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels.h"

int main() {
  const int shapes[][3] = {{1, 1, 1}, {7, 17, 13}, {6, 16, 256}, {97, 31, 300}, {128, 10, 128}, {193, 47, 513}, {300, 260, 70}, {20, 30, 7001}, {7, 61, 9001}};
  unsigned seed = 1;
  auto rnd = [&] { seed = seed * 1664525u + 1013904223u; return static_cast<float>(seed >> 8) / 16777216.f - 0.5f; };
  int bad = 0;
  for (int variant = 0; variant < 4; ++variant) {
    const int threads = 1 + (variant & 1);
    studio::setThreads(threads);
    studio::forceGeneric(variant >= 2);
    for (const auto& s : shapes) {
      const int M = s[0], N = s[1], K = s[2];
      for (int t = 0; t < 4; ++t) {
        const bool tA = t & 1, tB = t & 2;
        std::vector<float> A(M * K), B(K * N), C(M * N, NAN);
        for (auto& v : A) v = rnd();
        for (auto& v : B) v = rnd();
        studio::sgemm(tA, tB, M, N, K, 1.f, A.data(), tA ? M : K, B.data(), tB ? K : N, 0.f, C.data(), N);
        double maxErr = 0, maxRef = 1e-6;
        for (int i = 0; i < M; ++i) {
          for (int j = 0; j < N; ++j) {
            double r = 0;
            for (int k = 0; k < K; ++k) r += double(tA ? A[k * M + i] : A[i * K + k]) * double(tB ? B[j * K + k] : B[k * N + j]);
            maxErr = std::fmax(maxErr, std::fabs(r - C[i * N + j]));
            maxRef = std::fmax(maxRef, std::fabs(r));
          }
        }
        const double rel = maxErr / maxRef;
        if (!(rel < 1e-4)) {
          std::printf("FAIL %dx%dx%d tA=%d tB=%d threads=%d generic=%d rel=%g\n", M, N, K, tA, tB, threads, variant >= 2, rel);
          ++bad;
        }
      }
    }
  }
  studio::forceGeneric(false);
  std::printf("%s: best isa here %s, generic path checked too, %d failures\n", bad ? "FAILED" : "ok",
              studio::activeIsa() == studio::Isa::Avx2Fma ? "avx2-fma" : "generic", bad);
  return bad ? 1 : 0;
}
