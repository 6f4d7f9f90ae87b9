#include "batch-norm.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "thread-pool.h"

namespace engine {

namespace {

/**
 * Per-channel sums over rows in bands, one band per task, each into its own `sums` doubles
 * per channel (so tasks never share a cache line of partials); `body(r0, r1, partial)` adds a
 * band's rows. Returns the sums reduced over bands: sums × channels doubles, sum-major.
 */
std::vector<double> channel_sums(long rows, long C, int sums, const std::function<void(long, long, double*)>& body) {
  const int tasks = static_cast<int>(std::max(1L, std::min<long>(thread_count() * 4, rows / 64)));
  const long band = (rows + tasks - 1) / tasks;
  const size_t stride = static_cast<size_t>(sums) * C;
  std::vector<double> partial(static_cast<size_t>(tasks) * stride, 0.0);
  auto run = [&](int t) { body(t * band, std::min(rows, (t + 1) * band), partial.data() + t * stride); };
  if (tasks == 1)
    run(0);
  else
    parallel_for(tasks, run);
  std::vector<double> total(stride, 0.0);
  for (int t = 0; t < tasks; t++)
    for (size_t i = 0; i < stride; i++) total[i] += partial[t * stride + i];
  return total;
}

/** Runs `body(r0, r1)` over bands of rows on the pool. */
void row_bands(long rows, const std::function<void(long, long)>& body) {
  const int tasks = static_cast<int>(std::max(1L, std::min<long>(thread_count() * 4, rows / 64)));
  const long band = (rows + tasks - 1) / tasks;
  auto run = [&](int t) { body(t * band, std::min(rows, (t + 1) * band)); };
  if (tasks == 1)
    run(0);
  else
    parallel_for(tasks, run);
}

}  // namespace

void batch_norm_backward(long rows, long C, const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon, const BatchNormGrads& out) {
  std::vector<float> inv(C), gain(C);
  for (long c = 0; c < C; c++) {
    inv[c] = 1.f / std::sqrt(variance[c] + epsilon);
    gain[c] = (scale ? scale[c] : 1.f) * inv[c];
  }
  // dx directly, and each band's partial sums of dy and dy·(x − mean).
  const std::vector<double> sums = channel_sums(rows, C, 2, [&](long r0, long r1, double* p) {
    double* sum_dy = p;
    double* sum_dyx = p + C;
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * C;
      const float* gr = dy + r * C;
      float* dxr = out.dx + r * C;
      for (long c = 0; c < C; c++) {
        dxr[c] = gr[c] * gain[c];
        sum_dy[c] += gr[c];
        sum_dyx[c] += gr[c] * (xr[c] - mean[c]);
      }
    }
  });
  for (long c = 0; c < C; c++) {
    const double sdy = sums[c], sdyx = sums[C + c];
    const double s = scale ? scale[c] : 1.0, i = inv[c];
    out.doffset[c] = static_cast<float>(sdy);
    out.dscale[c] = static_cast<float>(sdyx * i);
    out.dmean[c] = static_cast<float>(-s * i * sdy);
    out.dvar[c] = static_cast<float>(-0.5 * s * i * i * i * sdyx);
  }
}

void batch_norm_moments(long rows, long C, const float* x, float* mean, float* variance) {
  const std::vector<double> sums = channel_sums(rows, C, 1, [&](long r0, long r1, double* sum) {
    for (long r = r0; r < r1; r++)
      for (long c = 0; c < C; c++) sum[c] += x[r * C + c];
  });
  std::vector<float> mu(C);
  for (long c = 0; c < C; c++) mu[c] = static_cast<float>(sums[c] / rows);
  // Deviations from the mean, not E[x²] − E[x]², which cancels badly for large means.
  const std::vector<double> squares = channel_sums(rows, C, 1, [&](long r0, long r1, double* sum) {
    for (long r = r0; r < r1; r++)
      for (long c = 0; c < C; c++) {
        const float d = x[r * C + c] - mu[c];
        sum[c] += static_cast<double>(d) * d;
      }
  });
  for (long c = 0; c < C; c++) {
    mean[c] = mu[c];
    variance[c] = static_cast<float>(squares[c] / rows);
  }
}

void batch_norm_training_backward(long rows, long C, const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon, const BatchNormTrainingGrads& out) {
  const std::vector<double> sums = channel_sums(rows, C, 2, [&](long r0, long r1, double* p) {
    double* sum_dy = p;
    double* sum_dyx = p + C;
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * C;
      const float* gr = dy + r * C;
      for (long c = 0; c < C; c++) {
        sum_dy[c] += gr[c];
        sum_dyx[c] += gr[c] * (xr[c] - mean[c]);
      }
    }
  });
  // dx = a·dy + b·(x − μ) + k per channel: the normalization's own term, then the paths
  // through μ and σ² (from y, and from the moments' own outputs when they are used).
  std::vector<float> a(C), b(C), k(C);
  const double n = static_cast<double>(rows);
  for (long c = 0; c < C; c++) {
    const double inv = 1.0 / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    const double s = scale ? scale[c] : 1.0;
    const double sdy = sums[c], sdyx = sums[C + c];
    out.doffset[c] = static_cast<float>(sdy);
    out.dscale[c] = static_cast<float>(sdyx * inv);
    const double dvar = -0.5 * s * inv * inv * inv * sdyx + (out.dvar_out ? out.dvar_out[c] : 0.0);
    const double dmean = -s * inv * sdy + (out.dmean_out ? out.dmean_out[c] : 0.0);
    a[c] = static_cast<float>(s * inv);
    b[c] = static_cast<float>(2.0 * dvar / n);
    k[c] = static_cast<float>(dmean / n);
  }
  row_bands(rows, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * C;
      const float* gr = dy + r * C;
      float* dxr = out.dx + r * C;
      for (long c = 0; c < C; c++) dxr[c] = a[c] * gr[c] + b[c] * (xr[c] - mean[c]) + k[c];
    }
  });
}

}  // namespace engine
