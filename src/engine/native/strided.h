// The loop of every element-wise op whose operands broadcast in a way a flat index cannot
// express ([N, 1, 1, C] over [N, H, W, C]): rows of the output's last dimension, each
// operand read with its own strides (0 along a dimension it broadcasts over), in parallel bands.
#pragma once

#include <algorithm>

#include "thread-pool.h"

namespace engine {

/** out[row, i] = op(a[…], b[…]) over `shape`; Out is float (arithmetic) or a byte (comparisons). */
template <typename Out, typename Op>
void run_strided(Op op, int rank, const int* shape, const float* a, const int* as, const float* b, const int* bs, Out* out) {
  constexpr long BAND_VALUES = 1 << 15;
  const long inner = shape[rank - 1];
  long rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  const long ai = as[rank - 1], bi = bs[rank - 1];
  // Each task takes a band of rows and finds its rows' offsets from their multi-index.
  const long band = std::max(1L, BAND_VALUES / std::max(1L, inner));
  const int tasks = static_cast<int>((rows + band - 1) / band);
  auto body = [&](int t) {
    for (long row = t * band; row < std::min(rows, (t + 1) * band); row++) {
      long rest = row, ao = 0, bo = 0;
      for (int d = rank - 2; d >= 0; d--) {
        const long idx = rest % shape[d];
        rest /= shape[d];
        ao += idx * as[d];
        bo += idx * bs[d];
      }
      Out* o = out + row * inner;
      for (long i = 0; i < inner; i++) o[i] = op(a[ao + i * ai], b[bo + i * bi]);
    }
  };
  if (tasks <= 1)
    body(0);
  else
    parallel_for(tasks, body);
}

}  // namespace engine
