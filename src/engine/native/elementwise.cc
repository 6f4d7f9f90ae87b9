#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "strided.h"
#include "thread-pool.h"

namespace engine {
namespace {

constexpr long CHUNK = 1 << 15;

/** fn(begin, end) over [0, n) in chunks; small arrays stay on the calling thread. */
template <typename F>
void chunked(long n, F fn) {
  parallel_chunks(n, CHUNK, fn);
}

template <typename Op>
inline void binary_range(Op op, long i0, long i1, const float* a, Broadcast am, long ap, const float* b, Broadcast bm, long bp, float* out) {
  if (am == Broadcast::full && bm == Broadcast::full) {
    for (long i = i0; i < i1; i++) out[i] = op(a[i], b[i]);
  } else if (am == Broadcast::full && bm == Broadcast::scalar) {
    const float s = b[0];
    for (long i = i0; i < i1; i++) out[i] = op(a[i], s);
  } else if (am == Broadcast::scalar && bm == Broadcast::full) {
    const float s = a[0];
    for (long i = i0; i < i1; i++) out[i] = op(s, b[i]);
  } else if (am == Broadcast::full && bm == Broadcast::inner) {
    long j = i0 % bp;
    for (long i = i0; i < i1; i++) {
      out[i] = op(a[i], b[j]);
      if (++j == bp) j = 0;
    }
  } else if (am == Broadcast::inner && bm == Broadcast::full) {
    long j = i0 % ap;
    for (long i = i0; i < i1; i++) {
      out[i] = op(a[j], b[i]);
      if (++j == ap) j = 0;
    }
  } else {
    auto at = [](const float* v, Broadcast m, long p, long i) {
      switch (m) {
        case Broadcast::full:
          return v[i];
        case Broadcast::scalar:
          return v[0];
        case Broadcast::inner:
          return v[i % p];
        case Broadcast::outer:
          return v[i / p];
      }
      return v[i];
    };
    for (long i = i0; i < i1; i++) out[i] = op(at(a, am, ap, i), at(b, bm, bp, i));
  }
}

/** Calls fn with the lambda of `op`: one switch for both the mapped and the strided paths. */
template <typename F>
void with_op(BinaryOp op, F fn) {
  switch (op) {
    case BinaryOp::add:
      return fn([](float x, float y) { return x + y; });
    case BinaryOp::sub:
      return fn([](float x, float y) { return x - y; });
    case BinaryOp::mul:
      return fn([](float x, float y) { return x * y; });
    case BinaryOp::div:
      return fn([](float x, float y) { return x / y; });
    case BinaryOp::maximum:
      // tfjs: NaN wins.
      return fn([](float x, float y) { return (x != x || y != y) ? x + y : (x > y ? x : y); });
    case BinaryOp::minimum:
      return fn([](float x, float y) { return (x != x || y != y) ? x + y : (x < y ? x : y); });
    case BinaryOp::squared_difference:
      return fn([](float x, float y) { return (x - y) * (x - y); });
    case BinaryOp::pow:
      return fn([](float x, float y) { return std::pow(x, y); });
    case BinaryOp::elu_grad:
      // a: dy, b: elu's output y; dx = dy where y >= 0, else dy * (y + 1).
      return fn([](float dy, float y) { return y >= 0.f ? dy : dy * (y + 1.f); });
    case BinaryOp::relu_grad:
      // a: dy, b: relu's input x; dx = dy · step(x) as tfjs computes it: NaN where x is
      // NaN, and dy · 0 (NaN for a NaN or infinite dy) where x <= 0.
      return fn([](float dy, float x) { return x > 0.f ? dy : (x != x ? x : dy * 0.f); });
  }
}

/**
 * tanh as Eigen's rational approximation (a degree-13 odd polynomial over a degree-6 even
 * one, the input clamped to ±7.9053, where it reaches 1 in float32): plain multiplies, adds,
 * a divide and selects, so the loop vectorises, where std::tanh is a scalar libm call per
 * value (35 ns each, a tenth of LeNet-5's step). Within 2.8e-7 of tanh in double precision
 * over [-20, 20]; NaN stays NaN, tiny inputs pass through exactly.
 */
inline float tanh_rational(float x) {
  constexpr float clamp = 7.90531110763549805f;
  const float xc = x > clamp ? clamp : (x < -clamp ? -clamp : x);
  const float x2 = xc * xc;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  const float r = p * xc / q;
  return std::fabs(x) < 0.0004f || x != x ? x : r;
}

template <typename Op>
void run_binary(Op op, long n, const float* a, Broadcast am, long ap, const float* b, Broadcast bm, long bp, float* out) {
  chunked(n, [&](long i0, long i1) { binary_range(op, i0, i1, a, am, ap, b, bm, bp, out); });
}

}  // namespace

void binary(BinaryOp op, long n, const float* a, Broadcast am, long ap, const float* b, Broadcast bm, long bp, float* out) {
  // One f32 operation is correctly rounded, so these equal tfjs's double-then-round results.
  with_op(op, [&](auto f) { run_binary(f, n, a, am, ap, b, bm, bp, out); });
}

void binary_strided(BinaryOp op, int rank, const int* shape, const float* a, const int* as, const float* b, const int* bs, float* out) {
  with_op(op, [&](auto f) { run_strided<float>(f, rank, shape, a, as, b, bs, out); });
}

void channel_affine(long n, const float* x, const float* scale, const float* shift, long channels, float* y) {
  chunked(n / channels, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * channels;
      float* yr = y + r * channels;
      for (long c = 0; c < channels; c++) yr[c] = xr[c] * scale[c] + shift[c];
    }
  });
}

void unary(UnaryOp op, long n, const float* x, float alpha, float* y) {
  chunked(n, [&](long i0, long i1) {
    switch (op) {
      case UnaryOp::relu:
        // tfjs: NaN stays NaN, negatives become 0.
        for (long i = i0; i < i1; i++) y[i] = x[i] < 0.f ? 0.f : x[i];
        break;
      case UnaryOp::step:
        // Branch-free so it vectorises; x != x keeps NaN as tfjs does.
        for (long i = i0; i < i1; i++) y[i] = x[i] > 0.f ? 1.f : (x[i] != x[i] ? x[i] : alpha);
        break;
      case UnaryOp::sqrt:
        for (long i = i0; i < i1; i++) y[i] = std::sqrt(x[i]);
        break;
      case UnaryOp::square:
        for (long i = i0; i < i1; i++) y[i] = x[i] * x[i];
        break;
      case UnaryOp::neg:
        for (long i = i0; i < i1; i++) y[i] = -x[i];
        break;
      case UnaryOp::tanh:
        for (long i = i0; i < i1; i++) y[i] = tanh_rational(x[i]);
        break;
      case UnaryOp::sigmoid:
        for (long i = i0; i < i1; i++) y[i] = 1.f / (1.f + std::exp(-x[i]));
        break;
      case UnaryOp::exp:
        for (long i = i0; i < i1; i++) y[i] = std::exp(x[i]);
        break;
      case UnaryOp::log:
        for (long i = i0; i < i1; i++) y[i] = std::log(x[i]);
        break;
      case UnaryOp::abs:
        for (long i = i0; i < i1; i++) y[i] = std::fabs(x[i]);
        break;
      case UnaryOp::floor:
        for (long i = i0; i < i1; i++) y[i] = std::floor(x[i]);
        break;
      case UnaryOp::rsqrt:
        for (long i = i0; i < i1; i++) y[i] = 1.f / std::sqrt(x[i]);
        break;
      case UnaryOp::elu:
        for (long i = i0; i < i1; i++) y[i] = x[i] >= 0.f ? x[i] : std::expm1(x[i]);
        break;
      case UnaryOp::relu6:
        for (long i = i0; i < i1; i++) y[i] = x[i] != x[i] ? x[i] : std::min(6.f, std::max(0.f, x[i]));
        break;
      case UnaryOp::selu:
        for (long i = i0; i < i1; i++) y[i] = x[i] > 0.f ? 1.0507009873554805f * x[i] : 1.7580993408473768f * std::expm1(x[i]);
        break;
      case UnaryOp::erf:
        for (long i = i0; i < i1; i++) y[i] = std::erf(x[i]);
        break;
      case UnaryOp::softplus:
        // log(1 + e^x) without overflow: x + log1p(e^-x) for large x.
        for (long i = i0; i < i1; i++) y[i] = x[i] > 0.f ? x[i] + std::log1p(std::exp(-x[i])) : std::log1p(std::exp(x[i]));
        break;
    }
  });
}

void max_middle(const float* x, long outer, long reduce, long inner, float* y) {
  chunked(outer, [&](long o0, long o1) {
    for (long o = o0; o < o1; o++) {
      float* out = y + o * inner;
      const float* block = x + o * reduce * inner;
      for (long i = 0; i < inner; i++) out[i] = block[i];
      for (long r = 1; r < reduce; r++) {
        const float* row = block + r * inner;
        for (long i = 0; i < inner; i++) out[i] = (row[i] > out[i] || row[i] != row[i]) ? row[i] : out[i];
      }
    }
  });
}

void sum_middle(const float* x, long outer, long reduce, long inner, float* y) {
  if (inner == 1) {
    // Row sums: one task per block of rows.
    chunked(outer, [&](long o0, long o1) {
      for (long o = o0; o < o1; o++) {
        double s = 0;
        const float* row = x + o * reduce;
        for (long r = 0; r < reduce; r++) s += row[r];
        y[o] = static_cast<float>(s);
      }
    });
    return;
  }
  // Column sums (a bias gradient: every pixel of the batch into one value per channel):
  // each task sums a band of the reduced rows into its own double accumulators.
  const int threads = thread_count();
  const long band = std::max(1L, (reduce + threads - 1) / threads);
  const int tasks = static_cast<int>((reduce + band - 1) / band);
  std::vector<double> partial(static_cast<size_t>(tasks) * outer * inner, 0.0);
  auto body = [&](int t) {
    const long r0 = t * band, r1 = std::min(reduce, r0 + band);
    for (long o = 0; o < outer; o++) {
      double* acc = partial.data() + (static_cast<size_t>(t) * outer + o) * inner;
      for (long r = r0; r < r1; r++) {
        const float* row = x + (o * reduce + r) * inner;
        for (long i = 0; i < inner; i++) acc[i] += row[i];
      }
    }
  };
  if (static_cast<double>(outer) * reduce * inner < CHUNK)
    for (int t = 0; t < tasks; t++) body(t);
  else
    parallel_for(tasks, body);
  for (long k = 0; k < outer * inner; k++) {
    double s = 0;
    for (int t = 0; t < tasks; t++) s += partial[static_cast<size_t>(t) * outer * inner + k];
    y[k] = static_cast<float>(s);
  }
}

}  // namespace engine
