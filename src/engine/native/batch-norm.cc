#include "batch-norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "thread-pool.h"

namespace engine {

void batch_norm_backward(long rows, long C, const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon, const BatchNormGrads& out) {
  std::vector<float> inv(C), gain(C);
  for (long c = 0; c < C; c++) {
    inv[c] = 1.f / std::sqrt(variance[c] + epsilon);
    gain[c] = (scale ? scale[c] : 1.f) * inv[c];
  }
  // Each task takes a band of rows: dx directly, and its own partial sums of dy and dy·(x − mean).
  const int tasks = static_cast<int>(std::max(1L, std::min<long>(thread_count() * 4, rows / 64)));
  const long band = (rows + tasks - 1) / tasks;
  std::vector<double> partial(static_cast<size_t>(tasks) * 2 * C, 0.0);
  auto body = [&](int t) {
    double* sum_dy = partial.data() + static_cast<size_t>(t) * 2 * C;
    double* sum_dyx = sum_dy + C;
    for (long r = t * band; r < std::min(rows, (t + 1) * band); r++) {
      const float* xr = x + r * C;
      const float* gr = dy + r * C;
      float* dxr = out.dx + r * C;
      for (long c = 0; c < C; c++) {
        dxr[c] = gr[c] * gain[c];
        sum_dy[c] += gr[c];
        sum_dyx[c] += gr[c] * (xr[c] - mean[c]);
      }
    }
  };
  if (tasks == 1)
    body(0);
  else
    parallel_for(tasks, body);
  for (long c = 0; c < C; c++) {
    double sdy = 0, sdyx = 0;
    for (int t = 0; t < tasks; t++) {
      sdy += partial[static_cast<size_t>(t) * 2 * C + c];
      sdyx += partial[static_cast<size_t>(t) * 2 * C + C + c];
    }
    const double s = scale ? scale[c] : 1.0, i = inv[c];
    out.doffset[c] = static_cast<float>(sdy);
    out.dscale[c] = static_cast<float>(sdyx * i);
    out.dmean[c] = static_cast<float>(-s * i * sdy);
    out.dvar[c] = static_cast<float>(-0.5 * s * i * i * i * sdyx);
  }
}

}  // namespace engine
