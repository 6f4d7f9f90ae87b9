// BLIS-style GEMM: B is packed once into NR-wide column panels per KC-deep slice, each task
// packs its MC rows of A into MR-tall panels, and a register-blocked micro-kernel multiplies
// an MR×KC panel by a KC×NR panel with MR·NR/VL vector accumulators. Vectors are GCC vector
// extensions, so the same source compiles to AVX-512, AVX2 or SSE (-march=native at install).
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "thread-pool.h"

namespace engine {
namespace {

// Two register blockings: MR rows × two vectors of columns, and for products of at most one
// vector of columns (the 16-channel convolutions and their gradients) MR_NARROW rows × one,
// which would otherwise spend half of every multiply-add on zero padding.
#if defined(__AVX512F__)
constexpr int VL = 16;        // floats per vector
constexpr int MR = 8;         // 8 rows × 2 vectors = 16 accumulators of the 32 zmm registers
constexpr int MR_NARROW = 16; // 16 rows × 1 vector
#elif defined(__AVX__)
constexpr int VL = 8;
constexpr int MR = 6;  // 6 × 2 = 12 accumulators of the 16 ymm registers
constexpr int MR_NARROW = 12;
#else
constexpr int VL = 4;
constexpr int MR = 6;
constexpr int MR_NARROW = 12;
#endif
constexpr int KC = 256;

typedef float vf __attribute__((vector_size(VL * sizeof(float))));

struct Aligned {
  float* p = nullptr;
  size_t n = 0;
  float* get(size_t want) {
    if (want > n) {
      std::free(p);
      p = static_cast<float*>(std::aligned_alloc(64, ((want * sizeof(float) + 63) / 64) * 64));
      n = want;
    }
    return p;
  }
  ~Aligned() { std::free(p); }
};

inline vf load(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof(v)); }

/** c[mr×nr] (+)= a-panel[kc×MR] · b-panel[kc×NR], NR = VL·NV. */
template <int MR, int NV>
inline void micro_kernel(int kc, const float* __restrict a, const float* __restrict b, float* c, int ldc, int mr, int nr, bool accumulate) {
  vf acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[i][v] = vf{};
  for (int k = 0; k < kc; k++) {
    vf bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = *reinterpret_cast<const vf*>(b + k * VL * NV + v * VL);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      vf av = vf{} + a[k * MR + i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] += av * bv[v];
    }
  }
  if (mr == MR && nr == VL * NV) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) {
        float* p = c + i * ldc + v * VL;
        store(p, accumulate ? load(p) + acc[i][v] : acc[i][v]);
      }
    return;
  }
  constexpr int NR = VL * NV;
  alignas(64) float tmp[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) store(&tmp[i][v * VL], acc[i][v]);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tmp[i][j] : tmp[i][j];
}

/** Rows [i0, i0+mc) × depth [k0, k0+kc) of op(A) into MR-tall panels, zero-padded: dst[(p*kc + k)*MR + r]. */
template <int MR>
void pack_a(bool trans, const float* A, int lda, int i0, int mc, int k0, int kc, float* dst) {
  for (int p = 0; p * MR < mc; p++) {
    float* d = dst + static_cast<size_t>(p) * kc * MR;
    int rows = std::min(MR, mc - p * MR);
    if (!trans) {
      for (int r = 0; r < rows; r++) {
        const float* src = A + static_cast<size_t>(i0 + p * MR + r) * lda + k0;
        for (int k = 0; k < kc; k++) d[k * MR + r] = src[k];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float* src = A + static_cast<size_t>(k0 + k) * lda + i0 + p * MR;
        for (int r = 0; r < rows; r++) d[k * MR + r] = src[r];
      }
    }
    for (int r = rows; r < MR; r++)
      for (int k = 0; k < kc; k++) d[k * MR + r] = 0.f;
  }
}

/** Depth [k0, k0+kc) × all N columns of op(B) into NR-wide panels, zero-padded: dst[(q*kc + k)*NR + c]. */
template <int NR>
void pack_b(bool trans, const float* B, int ldb, int N, int k0, int kc, float* dst) {
  for (int q = 0; q * NR < N; q++) {
    float* d = dst + static_cast<size_t>(q) * kc * NR;
    int cols = std::min(NR, N - q * NR);
    if (!trans) {
      for (int k = 0; k < kc; k++) {
        const float* src = B + static_cast<size_t>(k0 + k) * ldb + q * NR;
        int c = 0;
        for (; c < cols; c++) d[k * NR + c] = src[c];
        for (; c < NR; c++) d[k * NR + c] = 0.f;
      }
    } else {
      for (int c = 0; c < cols; c++) {
        const float* src = B + static_cast<size_t>(q * NR + c) * ldb + k0;
        for (int k = 0; k < kc; k++) d[k * NR + c] = src[k];
      }
      for (int c = cols; c < NR; c++)
        for (int k = 0; k < kc; k++) d[k * NR + c] = 0.f;
    }
  }
}

/** C rows [i0, i0+mc) for depth slice [k0, k0+kc), with B's slice already packed. */
template <int MR, int NV>
void block(bool trans_a, const float* A, int lda, const float* packed_b, int N, int i0, int mc, int k0, int kc, float* C, int ldc,
           bool accumulate, float* packed_a) {
  constexpr int NR = VL * NV;
  pack_a<MR>(trans_a, A, lda, i0, mc, k0, kc, packed_a);
  for (int q = 0; q * NR < N; q++) {
    const float* b = packed_b + static_cast<size_t>(q) * kc * NR;
    int nr = std::min(NR, N - q * NR);
    for (int p = 0; p * MR < mc; p++) {
      int mr = std::min(MR, mc - p * MR);
      micro_kernel<MR, NV>(kc, packed_a + static_cast<size_t>(p) * kc * MR, b, C + static_cast<size_t>(i0 + p * MR) * ldc + q * NR, ldc, mr, nr,
                   accumulate);
    }
  }
}

thread_local Aligned tl_packed_a;
Aligned packed_b_buffer;
std::vector<Aligned> partials;

template <int MR, int NV>
void blocked_sgemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
                   bool accumulate) {
  constexpr int NR = VL * NV;
  constexpr int MC = MR == MR_NARROW ? 96 : MR * 12;
  // Waking the other threads costs more than a small product gains from them.
  const bool small = static_cast<double>(M) * N * K < 1e5;
  auto run = [&](int n, const std::function<void(int)>& fn) {
    if (small)
      for (int i = 0; i < n; i++) fn(i);
    else
      parallel_for(n, fn);
  };
  const int n_panels = (N + NR - 1) / NR;
  const int k_slices = (K + KC - 1) / KC;
  const size_t slice_floats = static_cast<size_t>(n_panels) * NR * KC;
  float* packed_b = packed_b_buffer.get(slice_floats * k_slices);
  run(k_slices, [&](int s) {
    pack_b<NR>(trans_b, B, ldb, N, s * KC, std::min(KC, K - s * KC), packed_b + s * slice_floats);
  });

  const int threads = small ? 1 : thread_count();
  const int m_blocks = (M + MC - 1) / MC;
  if (m_blocks >= 2 * threads || threads == 1 || k_slices < 2 * threads) {
    // Enough rows: each task owns MC rows of C through the whole depth.
    run(m_blocks, [&](int mb) {
      int i0 = mb * MC, mc = std::min(MC, M - i0);
      float* pa = tl_packed_a.get(static_cast<size_t>(MC) * KC);
      for (int s = 0; s < k_slices; s++) {
        int k0 = s * KC;
        block<MR, NV>(trans_a, A, lda, packed_b + s * slice_floats, N, i0, mc, k0, std::min(KC, K - k0), C, ldc, accumulate || s > 0, pa);
      }
    });
    return;
  }
  // Few rows, long depth (filter gradients): each thread sums its share of the depth into its
  // own copy of C, then the copies are added up.
  if (static_cast<int>(partials.size()) < threads) partials.resize(threads);
  const int per = (k_slices + threads - 1) / threads;
  parallel_for(threads, [&](int t) {
    int s0 = t * per, s1 = std::min(k_slices, s0 + per);
    float* out = partials[t].get(static_cast<size_t>(M) * N);
    float* pa = tl_packed_a.get(static_cast<size_t>(MC) * KC);
    if (s0 >= s1) {
      std::memset(out, 0, sizeof(float) * M * N);
      return;
    }
    for (int mb = 0; mb * MC < M; mb++) {
      int i0 = mb * MC, mc = std::min(MC, M - i0);
      for (int s = s0; s < s1; s++) {
        int k0 = s * KC;
        block<MR, NV>(trans_a, A, lda, packed_b + s * slice_floats, N, i0, mc, k0, std::min(KC, K - k0), out, N, s > s0, pa);
      }
    }
  });
  parallel_for(M, [&](int i) {
    float* c = C + static_cast<size_t>(i) * ldc;
    for (int j = 0; j < N; j++) {
      float sum = accumulate ? c[j] : 0.f;
      for (int t = 0; t < threads; t++) sum += partials[t].p[static_cast<size_t>(i) * N + j];
      c[j] = sum;
    }
  });
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
           bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; i++) std::memset(C + static_cast<size_t>(i) * ldc, 0, N * sizeof(float));
    return;
  }
  if (N <= VL)
    blocked_sgemm<MR_NARROW, 1>(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
  else
    blocked_sgemm<MR, 2>(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

}  // namespace engine
