// Training kernels of the studio's native engine: a packed sgemm (all transpose combinations) and
// the small fused ops around it (bias + activation, optimizer updates, im2col / col2im, max pool).
// Plain C++ with no Node dependency, so the same file can be unit-built or compiled for another
// runtime. All tensors are dense row-major float32; sizes are element counts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace studio {

/** Instruction-set path picked at run time: AVX2+FMA on capable x86-64, otherwise portable C++. */
enum class Isa { Generic = 0, Avx2Fma = 1 };

/** The path sgemm uses now (detected once; can be forced to Generic for tests). */
Isa activeIsa();
/** Detected capability, independent of any override. */
bool cpuHasAvx2Fma();
/** Forces the generic path (true) or restores detection (false). */
void forceGeneric(bool on);

/** Worker threads used by large kernels (1 = only the calling thread). */
void setThreads(int n);
int threads();

/**
 * C[M,N] = alpha * op(A) * op(B) + beta * C, row-major, where op(A) is A[M,K] (lda ≥ K) or, with
 * transA, A[K,M] read transposed (lda ≥ M); likewise B. beta 0 overwrites C (NaNs in C ignored).
 */
void sgemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc);

/** Activations the fused kernels know. Numbering is shared with the TS side (engine/ops.ts). */
enum Act : int { kLinear = 0, kRelu = 1, kSigmoid = 2, kTanh = 3, kRelu6 = 4, kElu = 5, kLeakyRelu = 6 };

/** y[r, c] = act(y[r, c] + bias[c]) in place; bias may be null. */
void biasAct(float* y, const float* bias, int rows, int cols, int act, float alpha);
/** dx = dy ⊙ act'(·) expressed through the activation's output y (in place allowed: dx == dy). */
void actBackward(const float* dy, const float* y, float* dx, size_t n, int act, float alpha);
/** out[c] = Σ_r dy[r, c] (out overwritten). */
void colSum(const float* dy, int rows, int cols, float* out);

/** tf.train.adam's update, fused: m, v, w updated in place. */
void adamUpdate(float* w, const float* g, float* m, float* v, size_t n, float lr, float beta1,
                float beta2, float eps, float oneMinusAccBeta1, float oneMinusAccBeta2);
/** tf.train.momentum's update (accum = accum·momentum + g; w -= lr·(nesterov ? g + accum·momentum : accum)). */
void momentumUpdate(float* w, const float* g, float* accum, size_t n, float lr, float momentum, bool nesterov);
/** tf.train.sgd: w -= lr·g. */
void sgdUpdate(float* w, const float* g, size_t n, float lr);
/** tf.train.rmsprop (uncentered): ms = ms·decay + g²(1−decay); mom = mom·momentum + lr·g/√(ms+eps); w −= mom. */
void rmspropUpdate(float* w, const float* g, float* ms, float* mom, size_t n, float lr, float decay,
                   float momentum, float eps);

/** Geometry of one NHWC 2-D window op (convolution or pooling). */
struct Conv2DGeom {
  int batch, inH, inW, inC;
  int kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft;
  int outH, outW;
};
/** cols[b·outH·outW + oh·outW + ow, (kh·kW + kw)·inC + c] = x[b, ih, iw, c] (0 outside). */
void im2col(const float* x, const Conv2DGeom& g, float* cols);
/** dx (overwritten) = the scatter-add of cols back to image positions; inverse layout of im2col. */
void col2im(const float* cols, const Conv2DGeom& g, float* dx);
/** Max pool, NHWC; argmax[i] is the flat input index of output i's max (−1 if the window was empty). */
void maxPoolForward(const float* x, const Conv2DGeom& g, float* y, int32_t* argmax);
/**
 * dx (overwritten, size batch·inH·inW·inC) = scatter of dy through argmax. With `pooled` (the pool's
 * output, when its input came out of a relu) it also applies relu's gradient: windows whose max is
 * ≤ 0 pass nothing.
 */
void maxPoolBackward(const float* dy, const int32_t* argmax, size_t nOut, float* dx, size_t nIn, const float* pooled);

}  // namespace studio
