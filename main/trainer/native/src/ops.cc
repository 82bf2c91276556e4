// The small fused ops around sgemm. Each is one pass over memory where TF.js would run several
// kernels (and allocate a tensor per kernel): bias + activation, activation gradient, bias gradient,
// the optimizer updates, and the window ops of convolution and pooling.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "threads.h"

namespace studio {

namespace {

// Window ops split over the batch when there is enough of it; each image is independent.
template <typename F>
void forBatch(int batch, size_t perImageWork, F&& fn) {
  int parts = std::min(threads(), batch);
  if (static_cast<double>(perImageWork) * batch < 2.0e5) parts = 1;
  if (parts <= 1) {
    for (int b = 0; b < batch; ++b) fn(b);
    return;
  }
  // Images are handed out one at a time from an atomic counter (see sgemm: robust to a busy core).
  std::atomic<int> next{0};
  pool().run(parts, [&](int) {
    for (int b = next.fetch_add(1); b < batch; b = next.fetch_add(1)) fn(b);
  });
}

inline float actForward(float x, int act, float alpha) {
  switch (act) {
    case kRelu: return x > 0.f ? x : 0.f;
    case kSigmoid: return 1.f / (1.f + std::exp(-x));
    case kTanh: return std::tanh(x);
    case kRelu6: return std::min(std::max(x, 0.f), 6.f);
    case kElu: return x > 0.f ? x : std::expm1(x);
    case kLeakyRelu: return x > 0.f ? x : alpha * x;
    default: return x;
  }
}

}  // namespace

void biasAct(float* y, const float* bias, int rows, int cols, int act, float alpha) {
  for (int r = 0; r < rows; ++r) {
    float* row = y + static_cast<size_t>(r) * cols;
    if (bias) {
      for (int c = 0; c < cols; ++c) row[c] += bias[c];
    }
    if (act == kRelu) {
      for (int c = 0; c < cols; ++c) row[c] = row[c] > 0.f ? row[c] : 0.f;
    } else if (act != kLinear) {
      for (int c = 0; c < cols; ++c) row[c] = actForward(row[c], act, alpha);
    }
  }
}

// Gradients expressed through the output y, as TF.js does for relu/sigmoid/tanh/elu (so no
// pre-activation buffer is kept). relu's gradient at exactly 0 is 0, like TF.js's Step(x) at x = 0.
void actBackward(const float* dy, const float* y, float* dx, size_t n, int act, float alpha) {
  switch (act) {
    case kRelu:
      for (size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
      break;
    case kSigmoid:
      for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.f - y[i]);
      break;
    case kTanh:
      for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.f - y[i] * y[i]);
      break;
    case kRelu6:
      for (size_t i = 0; i < n; ++i) dx[i] = (y[i] > 0.f && y[i] < 6.f) ? dy[i] : 0.f;
      break;
    case kElu:
      for (size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] : dy[i] * (y[i] + 1.f);
      break;
    case kLeakyRelu:
      for (size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] : alpha * dy[i];
      break;
    default:
      if (dx != dy) std::memcpy(dx, dy, n * sizeof(float));
  }
}

void colSum(const float* dy, int rows, int cols, float* out) {
  std::fill(out, out + cols, 0.f);
  for (int r = 0; r < rows; ++r) {
    const float* row = dy + static_cast<size_t>(r) * cols;
    for (int c = 0; c < cols; ++c) out[c] += row[c];
  }
}

namespace {
// One body, compiled twice: for the baseline ISA and, on x86-64, for AVX2+FMA (8 lanes of sqrt and
// div per instruction); adamUpdate picks at run time like sgemm does.
#define STUDIO_ADAM_BODY                                                   \
  const float ob1 = 1.f - beta1, ob2 = 1.f - beta2;                        \
  for (size_t i = 0; i < n; ++i) {                                         \
    const float gi = g[i];                                                 \
    const float mi = m[i] * beta1 + gi * ob1;                              \
    const float vi = v[i] * beta2 + gi * gi * ob2;                         \
    m[i] = mi;                                                             \
    v[i] = vi;                                                             \
    const float mh = mi / oneMinusAccBeta1;                                \
    const float vh = vi / oneMinusAccBeta2;                                \
    w[i] += -lr * (mh / (std::sqrt(vh) + eps));                            \
  }

void adamGeneric(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
                 float lr, float beta1, float beta2, float eps, float oneMinusAccBeta1, float oneMinusAccBeta2) {
  STUDIO_ADAM_BODY
}

#if (defined(__x86_64__) || defined(_M_X64)) && !(defined(_MSC_VER) && !defined(__clang__))
__attribute__((target("avx2,fma"))) void adamAvx2(float* __restrict w, const float* __restrict g, float* __restrict m,
                                                  float* __restrict v, size_t n, float lr, float beta1, float beta2,
                                                  float eps, float oneMinusAccBeta1, float oneMinusAccBeta2) {
  STUDIO_ADAM_BODY
}
#define STUDIO_HAVE_ADAM_AVX2 1
#endif
#undef STUDIO_ADAM_BODY
}  // namespace

void adamUpdate(float* w, const float* g, float* m, float* v, size_t n, float lr, float beta1, float beta2,
                float eps, float oneMinusAccBeta1, float oneMinusAccBeta2) {
#ifdef STUDIO_HAVE_ADAM_AVX2
  if (activeIsa() == Isa::Avx2Fma) {
    adamAvx2(w, g, m, v, n, lr, beta1, beta2, eps, oneMinusAccBeta1, oneMinusAccBeta2);
    return;
  }
#endif
  adamGeneric(w, g, m, v, n, lr, beta1, beta2, eps, oneMinusAccBeta1, oneMinusAccBeta2);
}

void momentumUpdate(float* w, const float* g, float* accum, size_t n, float lr, float momentum, bool nesterov) {
  for (size_t i = 0; i < n; ++i) {
    const float a = accum[i] * momentum + g[i];
    accum[i] = a;
    w[i] -= lr * (nesterov ? g[i] + a * momentum : a);
  }
}

void sgdUpdate(float* w, const float* g, size_t n, float lr) {
  for (size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
}

void rmspropUpdate(float* w, const float* g, float* ms, float* mom, size_t n, float lr, float decay, float momentum,
                   float eps) {
  for (size_t i = 0; i < n; ++i) {
    const float s = ms[i] * decay + g[i] * g[i] * (1.f - decay);
    ms[i] = s;
    const float mo = mom[i] * momentum + lr * g[i] / std::sqrt(s + eps);
    mom[i] = mo;
    w[i] -= mo;
  }
}

void im2col(const float* x, const Conv2DGeom& g, float* cols) {
  const size_t rowLen = static_cast<size_t>(g.kH) * g.kW * g.inC;
  const size_t perImage = static_cast<size_t>(g.outH) * g.outW * rowLen;
  const size_t span = static_cast<size_t>(g.kW) * g.inC;  // one kernel row, contiguous when dilW == 1
  forBatch(g.batch, perImage, [&](int b) {
    const float* xb = x + static_cast<size_t>(b) * g.inH * g.inW * g.inC;
    float* out = cols + static_cast<size_t>(b) * perImage;
    for (int oh = 0; oh < g.outH; ++oh) {
      for (int ow = 0; ow < g.outW; ++ow) {
        const int iw0 = ow * g.strideW - g.padLeft;
        const bool rowInside = g.dilW == 1 && iw0 >= 0 && iw0 + g.kW <= g.inW;
        for (int kh = 0; kh < g.kH; ++kh) {
          const int ih = oh * g.strideH + kh * g.dilH - g.padTop;
          if (ih < 0 || ih >= g.inH) {
            std::memset(out, 0, sizeof(float) * span);
            out += span;
            continue;
          }
          const float* xrow = xb + static_cast<size_t>(ih) * g.inW * g.inC;
          if (rowInside) {
            // The common case (no padding in this row): one copy of kW·inC floats. Short spans
            // (a 3×3 kernel on one channel: 3 floats) as a plain loop: a memcpy call costs more.
            const float* src = xrow + static_cast<size_t>(iw0) * g.inC;
            if (span < 16) {
              for (size_t j = 0; j < span; ++j) out[j] = src[j];
            } else {
              std::memcpy(out, src, sizeof(float) * span);
            }
            out += span;
            continue;
          }
          for (int kw = 0; kw < g.kW; ++kw) {
            const int iw = iw0 + kw * g.dilW;
            if (iw < 0 || iw >= g.inW) {
              std::memset(out, 0, sizeof(float) * g.inC);
            } else {
              std::memcpy(out, xrow + static_cast<size_t>(iw) * g.inC, sizeof(float) * g.inC);
            }
            out += g.inC;
          }
        }
      }
    }
  });
}

void col2im(const float* cols, const Conv2DGeom& g, float* dx) {
  const size_t rowLen = static_cast<size_t>(g.kH) * g.kW * g.inC;
  const size_t perImage = static_cast<size_t>(g.outH) * g.outW * rowLen;
  const size_t imgSize = static_cast<size_t>(g.inH) * g.inW * g.inC;
  forBatch(g.batch, perImage, [&](int b) {
    float* xb = dx + static_cast<size_t>(b) * imgSize;
    std::memset(xb, 0, sizeof(float) * imgSize);
    const float* in = cols + static_cast<size_t>(b) * perImage;
    for (int oh = 0; oh < g.outH; ++oh) {
      for (int ow = 0; ow < g.outW; ++ow) {
        for (int kh = 0; kh < g.kH; ++kh) {
          const int ih = oh * g.strideH + kh * g.dilH - g.padTop;
          for (int kw = 0; kw < g.kW; ++kw) {
            const int iw = ow * g.strideW + kw * g.dilW - g.padLeft;
            if (ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW) {
              float* d = xb + (static_cast<size_t>(ih) * g.inW + iw) * g.inC;
              for (int c = 0; c < g.inC; ++c) d[c] += in[c];
            }
            in += g.inC;
          }
        }
      }
    }
  });
}

void maxPoolForward(const float* x, const Conv2DGeom& g, float* y, int32_t* argmax) {
  const size_t imgSize = static_cast<size_t>(g.inH) * g.inW * g.inC;
  const size_t outSize = static_cast<size_t>(g.outH) * g.outW * g.inC;
  const int C = g.inC;
  forBatch(g.batch, outSize * g.kH * g.kW, [&](int b) {
    const size_t base = static_cast<size_t>(b) * imgSize;
    float* yb = y + static_cast<size_t>(b) * outSize;
    int32_t* ab = argmax + static_cast<size_t>(b) * outSize;
    for (int oh = 0; oh < g.outH; ++oh) {
      for (int ow = 0; ow < g.outW; ++ow) {
        float* __restrict yo = yb + (static_cast<size_t>(oh) * g.outW + ow) * C;
        int32_t* __restrict ao = ab + (static_cast<size_t>(oh) * g.outW + ow) * C;
        // The first in-range window element initialises the output; later ones compare with a
        // strict '>' (row-major scan), which keeps the first maximum as TF.js's MaxPoolGrad does.
        bool first = true;
        for (int kh = 0; kh < g.kH; ++kh) {
          const int ih = oh * g.strideH + kh * g.dilH - g.padTop;
          if (ih < 0 || ih >= g.inH) continue;
          for (int kw = 0; kw < g.kW; ++kw) {
            const int iw = ow * g.strideW + kw * g.dilW - g.padLeft;
            if (iw < 0 || iw >= g.inW) continue;
            const size_t off = base + (static_cast<size_t>(ih) * g.inW + iw) * C;
            const float* __restrict xi = x + off;
            const int32_t o = static_cast<int32_t>(off);
            if (first) {
              for (int c = 0; c < C; ++c) {
                yo[c] = xi[c];
                ao[c] = o + c;
              }
              first = false;
            } else {
              // Branch-free (mask and blend) so the compiler vectorises it: with a branch, random
              // data mispredicts half the time and the loop runs ~5× slower.
              for (int c = 0; c < C; ++c) {
                const float v = xi[c];
                const float cur = yo[c];
                const int32_t m = -static_cast<int32_t>(v > cur);
                yo[c] = v > cur ? v : cur;
                ao[c] = (ao[c] & ~m) | ((o + c) & m);
              }
            }
          }
        }
        if (first) {
          for (int c = 0; c < C; ++c) {
            yo[c] = 0.f;
            ao[c] = -1;
          }
        }
      }
    }
  });
}

void maxPoolBackward(const float* dy, const int32_t* argmax, size_t nOut, float* dx, size_t nIn, const float* pooled) {
  std::memset(dx, 0, nIn * sizeof(float));
  if (pooled) {
    // Fused with the gradient of the relu that produced the pool's input: a window whose max relu
    // clamped to 0 passes no gradient. The max is the pool's own output, so the test reads
    // pooled[i] in order instead of the (large) conv output at argmax[i]; and the conv's separate
    // relu-gradient pass over its whole output is gone.
    for (size_t i = 0; i < nOut; ++i) {
      const int32_t a = argmax[i];
      if (a >= 0 && pooled[i] > 0.f) dx[a] += dy[i];
    }
    return;
  }
  for (size_t i = 0; i < nOut; ++i) {
    const int32_t a = argmax[i];
    if (a >= 0) dx[a] += dy[i];
  }
}

}  // namespace studio
