// Node-API surface of the native kernels. Plain C Node-API (no node-addon-api, no V8 headers): the
// binary is ABI-stable across Node and Electron versions, so one build per platform/arch serves the
// plain-Node trainer and Electron's utility process alike.
//
// Every entry point checks that the typed arrays it gets are float32/int32 and large enough for
// the sizes it is told, and throws a RangeError otherwise: a wrong size from the TS side must end
// in an exception, never in memory corruption inside the trainer process.
#include <node_api.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "kernels.h"

namespace {

using studio::Conv2DGeom;

struct Ctx {
  napi_env env;
  napi_value* argv;
  size_t argc;
  bool failed = false;

  void fail(const char* msg) {
    if (!failed) napi_throw_range_error(env, nullptr, msg);
    failed = true;
  }
  double num(size_t i) {
    double v = 0;
    if (failed) return 0;
    if (i >= argc || napi_get_value_double(env, argv[i], &v) != napi_ok) fail("expected a number argument");
    return v;
  }
  int integer(size_t i) { return static_cast<int>(num(i)); }
  bool flag(size_t i) {
    bool v = false;
    if (failed) return false;
    if (i >= argc || napi_get_value_bool(env, argv[i], &v) != napi_ok) fail("expected a boolean argument");
    return v;
  }
  bool isNull(size_t i) {
    napi_valuetype t;
    return i < argc && napi_typeof(env, argv[i], &t) == napi_ok && (t == napi_null || t == napi_undefined);
  }
  template <typename T>
  T* array(size_t i, napi_typedarray_type want, size_t* length) {
    if (failed) return nullptr;
    bool is = false;
    if (i >= argc || napi_is_typedarray(env, argv[i], &is) != napi_ok || !is) {
      fail("expected a typed array argument");
      return nullptr;
    }
    napi_typedarray_type type;
    size_t len = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, argv[i], &type, &len, &data, nullptr, nullptr) != napi_ok || type != want) {
      fail(want == napi_float32_array ? "expected a Float32Array" : "expected an Int32Array");
      return nullptr;
    }
    *length = len;
    return static_cast<T*>(data);
  }
  float* f32(size_t i, size_t* len) { return array<float>(i, napi_float32_array, len); }
  int32_t* i32(size_t i, size_t* len) { return array<int32_t>(i, napi_int32_array, len); }
  void need(size_t have, size_t want, const char* what) {
    if (!failed && want > have) fail(what);
  }
};

#define ARGS(n)                                                          \
  size_t argc = n;                                                       \
  napi_value argv[n];                                                    \
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);            \
  Ctx c{env, argv, argc};

napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// Extent an operand of `rows` × `cols` with leading dimension `ld` reaches from its offset.
size_t extent(size_t off, int rows, int cols, int ld) {
  if (rows <= 0 || cols <= 0) return off;
  return off + static_cast<size_t>(rows - 1) * ld + cols;
}

// sgemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)
napi_value Sgemm(napi_env env, napi_callback_info info) {
  ARGS(16)
  const bool tA = c.flag(0), tB = c.flag(1);
  const int M = c.integer(2), N = c.integer(3), K = c.integer(4);
  const float alpha = static_cast<float>(c.num(5));
  size_t la = 0, lb = 0, lc = 0;
  const float* A = c.f32(6, &la);
  const size_t aOff = static_cast<size_t>(c.num(7));
  const int lda = c.integer(8);
  const float* B = c.f32(9, &lb);
  const size_t bOff = static_cast<size_t>(c.num(10));
  const int ldb = c.integer(11);
  const float beta = static_cast<float>(c.num(12));
  float* C = c.f32(13, &lc);
  const size_t cOff = static_cast<size_t>(c.num(14));
  const int ldc = c.integer(15);
  if (c.failed) return nullptr;
  if (M < 0 || N < 0 || K < 0) c.fail("sgemm: negative size");
  if (lda < (tA ? M : K) || ldb < (tB ? K : N) || ldc < N) c.fail("sgemm: leading dimension too small");
  c.need(la, extent(aOff, tA ? K : M, tA ? M : K, lda), "sgemm: A is too small");
  c.need(lb, extent(bOff, tB ? N : K, tB ? K : N, ldb), "sgemm: B is too small");
  c.need(lc, extent(cOff, M, N, ldc), "sgemm: C is too small");
  if (c.failed) return nullptr;
  studio::sgemm(tA, tB, M, N, K, alpha, A + aOff, lda, B + bOff, ldb, beta, C + cOff, ldc);
  return undefinedValue(env);
}

// biasAct(y, bias | null, rows, cols, act, alpha)
napi_value BiasAct(napi_env env, napi_callback_info info) {
  ARGS(6)
  size_t ly = 0, lb = 0;
  float* y = c.f32(0, &ly);
  const float* bias = c.isNull(1) ? nullptr : c.f32(1, &lb);
  const int rows = c.integer(2), cols = c.integer(3), act = c.integer(4);
  const float alpha = static_cast<float>(c.num(5));
  c.need(ly, static_cast<size_t>(rows) * cols, "biasAct: y is too small");
  if (bias) c.need(lb, static_cast<size_t>(cols), "biasAct: bias is too small");
  if (c.failed) return nullptr;
  studio::biasAct(y, bias, rows, cols, act, alpha);
  return undefinedValue(env);
}

// actBackward(dy, y, dx, n, act, alpha)
napi_value ActBackward(napi_env env, napi_callback_info info) {
  ARGS(6)
  size_t l0 = 0, l1 = 0, l2 = 0;
  const float* dy = c.f32(0, &l0);
  const float* y = c.f32(1, &l1);
  float* dx = c.f32(2, &l2);
  const size_t n = static_cast<size_t>(c.num(3));
  const int act = c.integer(4);
  const float alpha = static_cast<float>(c.num(5));
  c.need(l0, n, "actBackward: dy is too small");
  c.need(l1, n, "actBackward: y is too small");
  c.need(l2, n, "actBackward: dx is too small");
  if (c.failed) return nullptr;
  studio::actBackward(dy, y, dx, n, act, alpha);
  return undefinedValue(env);
}

// colSum(dy, rows, cols, out)
napi_value ColSum(napi_env env, napi_callback_info info) {
  ARGS(4)
  size_t l0 = 0, l1 = 0;
  const float* dy = c.f32(0, &l0);
  const int rows = c.integer(1), cols = c.integer(2);
  float* out = c.f32(3, &l1);
  c.need(l0, static_cast<size_t>(rows) * cols, "colSum: dy is too small");
  c.need(l1, static_cast<size_t>(cols), "colSum: out is too small");
  if (c.failed) return nullptr;
  studio::colSum(dy, rows, cols, out);
  return undefinedValue(env);
}

// adam(w, g, m, v, lr, beta1, beta2, eps, oneMinusAccBeta1, oneMinusAccBeta2)
napi_value Adam(napi_env env, napi_callback_info info) {
  ARGS(10)
  size_t lw = 0, lg = 0, lm = 0, lv = 0;
  float* w = c.f32(0, &lw);
  const float* g = c.f32(1, &lg);
  float* m = c.f32(2, &lm);
  float* v = c.f32(3, &lv);
  c.need(lg, lw, "adam: g is too small");
  c.need(lm, lw, "adam: m is too small");
  c.need(lv, lw, "adam: v is too small");
  const float lr = static_cast<float>(c.num(4)), b1 = static_cast<float>(c.num(5)), b2 = static_cast<float>(c.num(6));
  const float eps = static_cast<float>(c.num(7)), o1 = static_cast<float>(c.num(8)), o2 = static_cast<float>(c.num(9));
  if (c.failed) return nullptr;
  studio::adamUpdate(w, g, m, v, lw, lr, b1, b2, eps, o1, o2);
  return undefinedValue(env);
}

// momentum(w, g, accum, lr, momentum, nesterov)
napi_value Momentum(napi_env env, napi_callback_info info) {
  ARGS(6)
  size_t lw = 0, lg = 0, la = 0;
  float* w = c.f32(0, &lw);
  const float* g = c.f32(1, &lg);
  float* a = c.f32(2, &la);
  c.need(lg, lw, "momentum: g is too small");
  c.need(la, lw, "momentum: accum is too small");
  const float lr = static_cast<float>(c.num(3)), mom = static_cast<float>(c.num(4));
  const bool nesterov = c.flag(5);
  if (c.failed) return nullptr;
  studio::momentumUpdate(w, g, a, lw, lr, mom, nesterov);
  return undefinedValue(env);
}

// sgd(w, g, lr)
napi_value Sgd(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t lw = 0, lg = 0;
  float* w = c.f32(0, &lw);
  const float* g = c.f32(1, &lg);
  c.need(lg, lw, "sgd: g is too small");
  const float lr = static_cast<float>(c.num(2));
  if (c.failed) return nullptr;
  studio::sgdUpdate(w, g, lw, lr);
  return undefinedValue(env);
}

// rmsprop(w, g, ms, mom, lr, decay, momentum, eps)
napi_value Rmsprop(napi_env env, napi_callback_info info) {
  ARGS(8)
  size_t lw = 0, lg = 0, ls = 0, lm = 0;
  float* w = c.f32(0, &lw);
  const float* g = c.f32(1, &lg);
  float* ms = c.f32(2, &ls);
  float* mom = c.f32(3, &lm);
  c.need(lg, lw, "rmsprop: g is too small");
  c.need(ls, lw, "rmsprop: ms is too small");
  c.need(lm, lw, "rmsprop: mom is too small");
  const float lr = static_cast<float>(c.num(4)), decay = static_cast<float>(c.num(5));
  const float momentum = static_cast<float>(c.num(6)), eps = static_cast<float>(c.num(7));
  if (c.failed) return nullptr;
  studio::rmspropUpdate(w, g, ms, mom, lw, lr, decay, momentum, eps);
  return undefinedValue(env);
}

// Geometry travels as an Int32Array of 14 values in Conv2DGeom's field order.
bool readGeom(Ctx& c, size_t i, Conv2DGeom* g) {
  size_t len = 0;
  const int32_t* v = c.i32(i, &len);
  if (c.failed) return false;
  if (len < 14) {
    c.fail("geometry needs 14 values");
    return false;
  }
  *g = Conv2DGeom{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]};
  for (int k = 0; k < 14; ++k) {
    if (v[k] < 0 || (k != 10 && k != 11 && k >= 4 && k <= 9 && v[k] == 0)) {
      c.fail("invalid window geometry");
      return false;
    }
  }
  return true;
}

size_t imageSize(const Conv2DGeom& g) { return static_cast<size_t>(g.batch) * g.inH * g.inW * g.inC; }
size_t colsSize(const Conv2DGeom& g) {
  return static_cast<size_t>(g.batch) * g.outH * g.outW * g.kH * g.kW * g.inC;
}
size_t pooledSize(const Conv2DGeom& g) { return static_cast<size_t>(g.batch) * g.outH * g.outW * g.inC; }

// The last window position must start inside the padded input, or im2col would read past it.
bool windowFits(Ctx& c, const Conv2DGeom& g) {
  if (g.outH == 0 || g.outW == 0) return true;
  const int lastH = (g.outH - 1) * g.strideH - g.padTop;
  const int lastW = (g.outW - 1) * g.strideW - g.padLeft;
  if (lastH > g.inH - 1 + (g.kH - 1) * g.dilH || lastW > g.inW - 1 + (g.kW - 1) * g.dilW) {
    c.fail("window geometry out of range");
    return false;
  }
  return true;
}

// im2col(x, geom, cols)
napi_value Im2col(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t lx = 0, lc = 0;
  const float* x = c.f32(0, &lx);
  Conv2DGeom g{};
  if (!readGeom(c, 1, &g) || !windowFits(c, g)) return nullptr;
  float* cols = c.f32(2, &lc);
  c.need(lx, imageSize(g), "im2col: x is too small");
  c.need(lc, colsSize(g), "im2col: cols is too small");
  if (c.failed) return nullptr;
  studio::im2col(x, g, cols);
  return undefinedValue(env);
}

// col2im(cols, geom, dx)
napi_value Col2im(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t lx = 0, lc = 0;
  const float* cols = c.f32(0, &lc);
  Conv2DGeom g{};
  if (!readGeom(c, 1, &g) || !windowFits(c, g)) return nullptr;
  float* dx = c.f32(2, &lx);
  c.need(lx, imageSize(g), "col2im: dx is too small");
  c.need(lc, colsSize(g), "col2im: cols is too small");
  if (c.failed) return nullptr;
  studio::col2im(cols, g, dx);
  return undefinedValue(env);
}

// maxPoolForward(x, geom, y, argmax)
napi_value MaxPoolForward(napi_env env, napi_callback_info info) {
  ARGS(4)
  size_t lx = 0, ly = 0, la = 0;
  const float* x = c.f32(0, &lx);
  Conv2DGeom g{};
  if (!readGeom(c, 1, &g)) return nullptr;
  float* y = c.f32(2, &ly);
  int32_t* am = c.i32(3, &la);
  c.need(lx, imageSize(g), "maxPool: x is too small");
  c.need(ly, pooledSize(g), "maxPool: y is too small");
  c.need(la, pooledSize(g), "maxPool: argmax is too small");
  if (c.failed) return nullptr;
  studio::maxPoolForward(x, g, y, am);
  return undefinedValue(env);
}

// maxPoolBackward(dy, argmax, dx, pooled?): argmax entries must index dx; pooled is as long as dy.
napi_value MaxPoolBackward(napi_env env, napi_callback_info info) {
  ARGS(4)
  size_t ly = 0, la = 0, lx = 0, lr = 0;
  const float* dy = c.f32(0, &ly);
  const int32_t* am = c.i32(1, &la);
  float* dx = c.f32(2, &lx);
  const float* relu = c.isNull(3) || argc < 4 ? nullptr : c.f32(3, &lr);
  c.need(la, ly, "maxPoolBackward: argmax is too small");
  if (relu) c.need(lr, ly, "maxPoolBackward: pooled is too small");
  if (c.failed) return nullptr;
  for (size_t i = 0; i < ly; ++i) {
    if (am[i] >= 0 && static_cast<size_t>(am[i]) >= lx) {
      c.fail("maxPoolBackward: argmax out of range");
      return nullptr;
    }
  }
  studio::maxPoolBackward(dy, am, ly, dx, lx, relu);
  return undefinedValue(env);
}

// setThreads(n) → the count now in force
napi_value SetThreads(napi_env env, napi_callback_info info) {
  ARGS(1)
  const int n = c.integer(0);
  if (c.failed) return nullptr;
  studio::setThreads(n);
  napi_value r;
  napi_create_int32(env, studio::threads(), &r);
  return r;
}

// forceGeneric(on): tests use it to exercise the portable micro-kernel on AVX2 machines.
napi_value ForceGeneric(napi_env env, napi_callback_info info) {
  ARGS(1)
  const bool on = c.flag(0);
  if (c.failed) return nullptr;
  studio::forceGeneric(on);
  return undefinedValue(env);
}

// info() → { isa, avx2Fma, threads, abi }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value o, v;
  napi_create_object(env, &o);
  const char* isa = studio::activeIsa() == studio::Isa::Avx2Fma ? "avx2-fma" : "generic";
  napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, o, "isa", v);
  napi_get_boolean(env, studio::cpuHasAvx2Fma(), &v);
  napi_set_named_property(env, o, "avx2Fma", v);
  napi_create_int32(env, studio::threads(), &v);
  napi_set_named_property(env, o, "threads", v);
  napi_create_int32(env, 1, &v);
  napi_set_named_property(env, o, "abi", v);
  return o;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasAct", nullptr, BiasAct, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"actBackward", nullptr, ActBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"colSum", nullptr, ColSum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"momentum", nullptr, Momentum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgd", nullptr, Sgd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmsprop", nullptr, Rmsprop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"im2col", nullptr, Im2col, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"col2im", nullptr, Col2im, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolForward", nullptr, MaxPoolForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolBackward", nullptr, MaxPoolBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"forceGeneric", nullptr, ForceGeneric, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
