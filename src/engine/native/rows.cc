#include "rows.h"

#include <algorithm>
#include <cmath>

#include "strided.h"
#include "thread-pool.h"

namespace engine {
namespace {

constexpr long ROWS_PER_TASK = 256;

template <typename F>
void by_rows(long rows, F fn) {
  const int tasks = static_cast<int>((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
  if (tasks <= 1) return fn(0L, rows);
  parallel_for(tasks, [&](int t) { fn(t * ROWS_PER_TASK, std::min(rows, (t + 1) * ROWS_PER_TASK)); });
}

}  // namespace

void softmax_rows(const float* x, long rows, long cols, float* y) {
  by_rows(rows, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      float mx = -INFINITY;
      for (long c = 0; c < cols; c++) mx = std::max(mx, xr[c]);
      float sum = 0.f;
      for (long c = 0; c < cols; c++) sum += (yr[c] = std::exp(xr[c] - mx));
      for (long c = 0; c < cols; c++) yr[c] /= sum;
    }
  });
}

void argmax_rows(const float* x, long rows, long cols, int32_t* out) {
  by_rows(rows, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      // Strictly greater, as tfjs: the first maximum wins and a NaN never does.
      long best = 0;
      float mx = xr[0];
      for (long c = 1; c < cols; c++)
        if (xr[c] > mx) mx = xr[best = c];
      out[r] = static_cast<int32_t>(best);
    }
  });
}

void clip(long n, const float* x, float lo, float hi, float* y) {
  for (long i = 0; i < n; i++) y[i] = x[i] != x[i] ? x[i] : std::min(hi, std::max(lo, x[i]));
}

void compare_strided(CompareOp op, int rank, const int* shape, const float* a, const int* as, const float* b, const int* bs, uint8_t* out) {
  auto run = [&](auto compare) { run_strided<uint8_t>([&](float p, float q) -> uint8_t { return compare(p, q) ? 1 : 0; }, rank, shape, a, as, b, bs, out); };
  switch (op) {
    case CompareOp::equal: return run([](float p, float q) { return p == q; });
    case CompareOp::greater: return run([](float p, float q) { return p > q; });
    case CompareOp::greater_equal: return run([](float p, float q) { return p >= q; });
    case CompareOp::less: return run([](float p, float q) { return p < q; });
    case CompareOp::less_equal: return run([](float p, float q) { return p <= q; });
    case CompareOp::not_equal: return run([](float p, float q) { return p != q; });
  }
}

void select(long n, const uint8_t* cond, const float* a, const float* b, float* out) {
  for (long i = 0; i < n; i++) out[i] = cond[i] ? a[i] : b[i];
}

}  // namespace engine
