/**
 * The engine's kernels in plain TypeScript: the last-resort path when neither the native addon
 * nor the WebAssembly kernels can load, and the executable specification the faster paths are
 * tested against. Same layouts and semantics as native/src/kernels.h.
 *
 * sgemm packs op(A) into 4-row panels and op(B) into 4-column panels (k-major), then a 4×4
 * register tile walks them: V8 keeps the 16 accumulators in registers, which is ~3× faster than the
 * naive triple loop and, as in the native code, makes every transpose combination equally fast.
 */
import { ACT, type ConvGeom, type Kernels } from './kernelTypes'

const KC = 256

let packA: Float32Array = new Float32Array(0)
let packB: Float32Array = new Float32Array(0)
const tile = new Float64Array(16)

function grow(buf: Float32Array, n: number): Float32Array {
  return buf.length >= n ? buf : new Float32Array(Math.max(n, buf.length * 2))
}

/** C = alpha·op(A)·op(B) + beta·C, row-major with offsets and leading dimensions (see Kernels.sgemm). */
export function sgemmJs(
  tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number
): void {
  if (M <= 0 || N <= 0) return
  if (beta !== 1) {
    for (let i = 0; i < M; i++) {
      const r = cOff + i * ldc
      if (beta === 0) C.fill(0, r, r + N)
      else for (let j = 0; j < N; j++) C[r + j]! *= beta
    }
  }
  if (K <= 0) return
  const Mp = (M + 3) & ~3
  const Np = (N + 3) & ~3
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0)
    packA = grow(packA, Mp * kc)
    packB = grow(packB, Np * kc)
    const pa = packA
    const pb = packB
    // Pack A: panel p (rows 4p..4p+3), element (k, r) at p·4kc + 4k + r.
    for (let i = 0; i < Mp; i++) {
      const base = (i >> 2) * 4 * kc + (i & 3)
      if (i >= M) { for (let k = 0; k < kc; k++) pa[base + 4 * k] = 0; continue }
      if (tA) { for (let k = 0; k < kc; k++) pa[base + 4 * k] = A[aOff + (k0 + k) * lda + i]! }
      else { const r = aOff + i * lda + k0; for (let k = 0; k < kc; k++) pa[base + 4 * k] = A[r + k]! }
    }
    for (let j = 0; j < Np; j++) {
      const base = (j >> 2) * 4 * kc + (j & 3)
      if (j >= N) { for (let k = 0; k < kc; k++) pb[base + 4 * k] = 0; continue }
      if (tB) { const r = bOff + j * ldb + k0; for (let k = 0; k < kc; k++) pb[base + 4 * k] = B[r + k]! }
      else { for (let k = 0; k < kc; k++) pb[base + 4 * k] = B[bOff + (k0 + k) * ldb + j]! }
    }
    for (let i = 0; i < M; i += 4) {
      const ap = (i >> 2) * 4 * kc
      const mr = Math.min(4, M - i)
      for (let j = 0; j < N; j += 4) {
        const bp = (j >> 2) * 4 * kc
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
        for (let k = 0, a = ap, b = bp; k < kc; k++, a += 4, b += 4) {
          const a0 = pa[a]!, a1 = pa[a + 1]!, a2 = pa[a + 2]!, a3 = pa[a + 3]!
          const b0 = pb[b]!, b1 = pb[b + 1]!, b2 = pb[b + 2]!, b3 = pb[b + 3]!
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
        }
        const nr = Math.min(4, N - j)
        if (mr === 4 && nr === 4) {
          let o = cOff + i * ldc + j
          C[o]! += alpha * c00; C[o + 1]! += alpha * c01; C[o + 2]! += alpha * c02; C[o + 3]! += alpha * c03
          o += ldc
          C[o]! += alpha * c10; C[o + 1]! += alpha * c11; C[o + 2]! += alpha * c12; C[o + 3]! += alpha * c13
          o += ldc
          C[o]! += alpha * c20; C[o + 1]! += alpha * c21; C[o + 2]! += alpha * c22; C[o + 3]! += alpha * c23
          o += ldc
          C[o]! += alpha * c30; C[o + 1]! += alpha * c31; C[o + 2]! += alpha * c32; C[o + 3]! += alpha * c33
        } else {
          const t = tile
          t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13
          t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33
          for (let r = 0; r < mr; r++) {
            const o = cOff + (i + r) * ldc + j
            for (let c = 0; c < nr; c++) C[o + c]! += alpha * t[r * 4 + c]!
          }
        }
      }
    }
  }
}

function actForward(x: number, act: number, alpha: number): number {
  switch (act) {
    case ACT.relu: return x > 0 ? x : 0
    case ACT.sigmoid: return 1 / (1 + Math.exp(-x))
    case ACT.tanh: return Math.tanh(x)
    case ACT.relu6: return Math.min(Math.max(x, 0), 6)
    case ACT.elu: return x > 0 ? x : Math.expm1(x)
    case ACT.leakyrelu: return x > 0 ? x : alpha * x
    default: return x
  }
}

/** The pure-TypeScript kernel set (always available). */
export const portableKernels: Kernels = {
  name: 'portable',
  isa: 'javascript',
  threads: 1,
  sgemm: sgemmJs,
  alloc: (n) => new Float32Array(n),
  setThreads() { return 1 },
  biasAct(y, bias, rows, cols, act, alpha) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols
      for (let c = 0; c < cols; c++) y[o + c] = actForward(y[o + c]! + (bias ? bias[c]! : 0), act, alpha)
    }
  },
  actBackward(dy, y, dx, n, act, alpha) {
    for (let i = 0; i < n; i++) {
      const yi = y[i]!, g = dy[i]!
      switch (act) {
        case ACT.relu: dx[i] = yi > 0 ? g : 0; break
        case ACT.sigmoid: dx[i] = g * yi * (1 - yi); break
        case ACT.tanh: dx[i] = g * (1 - yi * yi); break
        case ACT.relu6: dx[i] = yi > 0 && yi < 6 ? g : 0; break
        case ACT.elu: dx[i] = yi > 0 ? g : g * (yi + 1); break
        case ACT.leakyrelu: dx[i] = yi > 0 ? g : alpha * g; break
        default: dx[i] = g
      }
    }
  },
  colSum(dy, rows, cols, out) {
    out.fill(0, 0, cols)
    for (let r = 0; r < rows; r++) { const o = r * cols; for (let c = 0; c < cols; c++) out[c]! += dy[o + c]! }
  },
  adam(w, g, m, v, lr, b1, b2, eps, o1, o2) {
    // Math.fround at each step: the float32 rounding of the reference, so curves agree closely.
    const f = Math.fround
    const ob1 = f(1 - b1), ob2 = f(1 - b2)
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!
      const mi = f(f(m[i]! * b1) + f(gi * ob1))
      const vi = f(f(v[i]! * b2) + f(f(gi * gi) * ob2))
      m[i] = mi; v[i] = vi
      w[i] = w[i]! + f(-lr * f(f(mi / o1) / f(Math.sqrt(f(vi / o2)) + eps)))
    }
  },
  momentum(w, g, acc, lr, mom, nesterov) {
    for (let i = 0; i < w.length; i++) {
      const a = Math.fround(acc[i]! * mom + g[i]!)
      acc[i] = a
      w[i] = w[i]! - lr * (nesterov ? g[i]! + a * mom : a)
    }
  },
  sgd(w, g, lr) { for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]! },
  rmsprop(w, g, ms, mom, lr, decay, momentum, eps) {
    for (let i = 0; i < w.length; i++) {
      const s = Math.fround(ms[i]! * decay + g[i]! * g[i]! * (1 - decay))
      ms[i] = s
      const mo = Math.fround(mom[i]! * momentum + lr * g[i]! / Math.sqrt(s + eps))
      mom[i] = mo
      w[i] = w[i]! - mo
    }
  },
  im2col(x, g, cols) { im2colJs(x, g, cols) },
  col2im(cols, g, dx) { col2imJs(cols, g, dx) },
  maxPoolForward(x, g, y, argmax) { maxPoolJs(x, g, y, argmax) },
  maxPoolBackward(dy, argmax, dx, pooled) {
    dx.fill(0)
    if (pooled) {
      for (let i = 0; i < dy.length; i++) { const a = argmax[i]!; if (a >= 0 && pooled[i]! > 0) dx[a]! += dy[i]! }
      return
    }
    for (let i = 0; i < dy.length; i++) { const a = argmax[i]!; if (a >= 0) dx[a]! += dy[i]! }
  }
}

function geomFields(g: ConvGeom) {
  return {
    B: g[0]!, H: g[1]!, W: g[2]!, C: g[3]!, KH: g[4]!, KW: g[5]!, SH: g[6]!, SW: g[7]!, DH: g[8]!, DW: g[9]!,
    PT: g[10]!, PL: g[11]!, OH: g[12]!, OW: g[13]!
  }
}

function im2colJs(x: Float32Array, geom: ConvGeom, cols: Float32Array): void {
  const { B, H, W, C, KH, KW, SH, SW, DH, DW, PT, PL, OH, OW } = geomFields(geom)
  let o = 0
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh * DH - PT
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * SW + kw * DW - PL
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) cols.fill(0, o, o + C)
          else cols.set(x.subarray(xb + (ih * W + iw) * C, xb + (ih * W + iw) * C + C), o)
          o += C
        }
      }
    }
  }
}

function col2imJs(cols: Float32Array, geom: ConvGeom, dx: Float32Array): void {
  const { B, H, W, C, KH, KW, SH, SW, DH, DW, PT, PL, OH, OW } = geomFields(geom)
  dx.fill(0, 0, B * H * W * C)
  let o = 0
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh * DH - PT
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * SW + kw * DW - PL
          if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
            const d = xb + (ih * W + iw) * C
            for (let c = 0; c < C; c++) dx[d + c]! += cols[o + c]!
          }
          o += C
        }
      }
    }
  }
}

function maxPoolJs(x: Float32Array, geom: ConvGeom, y: Float32Array, argmax: Int32Array): void {
  const { B, H, W, C, KH, KW, SH, SW, DH, DW, PT, PL, OH, OW } = geomFields(geom)
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      const yo = ((b * OH + oh) * OW + ow) * C
      for (let c = 0; c < C; c++) { y[yo + c] = -Infinity; argmax[yo + c] = -1 }
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh * DH - PT
        if (ih < 0 || ih >= H) continue
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * SW + kw * DW - PL
          if (iw < 0 || iw >= W) continue
          const off = xb + (ih * W + iw) * C
          for (let c = 0; c < C; c++) {
            const v = x[off + c]!
            if (v > y[yo + c]! || argmax[yo + c]! < 0) { y[yo + c] = v; argmax[yo + c] = off + c }
          }
        }
      }
      for (let c = 0; c < C; c++) if (argmax[yo + c]! < 0) y[yo + c] = 0
    }
  }
}
