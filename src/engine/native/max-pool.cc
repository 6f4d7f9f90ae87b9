#include "max-pool.h"

#include <cstring>
#include <limits>
#include <vector>

#include "thread-pool.h"

namespace engine {

void max_pool_forward(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels;
  parallel_for(s.batch * s.out_h, [&](int line) {
    const int b = line / s.out_h, oy = line % s.out_h;
    const float* image = x + static_cast<long>(b) * s.in_h * s.in_w * C;
    std::vector<float> best(C);
    for (int ox = 0; ox < s.out_w; ox++) {
      std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
      for (int ky = 0; ky < s.filter_h; ky++) {
        const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
        if (iy < 0 || iy >= s.in_h) continue;
        for (int kx = 0; kx < s.filter_w; kx++) {
          const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
          if (ix < 0 || ix >= s.in_w) continue;
          const float* px = image + (static_cast<long>(iy) * s.in_w + ix) * C;
          // Strictly greater, as tfjs's cpu backend: a NaN never wins, an all-NaN window gives -inf.
          for (int c = 0; c < C; c++) best[c] = px[c] > best[c] ? px[c] : best[c];
        }
      }
      std::memcpy(y + (static_cast<long>(line) * s.out_w + ox) * C, best.data(), sizeof(float) * C);
    }
  });
}

void max_pool_backward(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const int C = s.channels;
  // One task per image: overlapping windows only ever route into their own image.
  parallel_for(s.batch, [&](int b) {
    const float* image = x + static_cast<long>(b) * s.in_h * s.in_w * C;
    float* grad = dx + static_cast<long>(b) * s.in_h * s.in_w * C;
    std::memset(grad, 0, sizeof(float) * s.in_h * s.in_w * C);
    std::vector<float> best(C);
    std::vector<long> where(C);
    for (int oy = 0; oy < s.out_h; oy++) {
      for (int ox = 0; ox < s.out_w; ox++) {
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(where.begin(), where.end(), -1L);
        for (int ky = 0; ky < s.filter_h; ky++) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.filter_w; kx++) {
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (ix < 0 || ix >= s.in_w) continue;
            const long at = (static_cast<long>(iy) * s.in_w + ix) * C;
            for (int c = 0; c < C; c++) {
              // Strictly greater: the first maximum in window order wins, as in tfjs, and a
              // window with no value above -inf routes nothing.
              if (image[at + c] > best[c]) {
                best[c] = image[at + c];
                where[c] = at + c;
              }
            }
          }
        }
        const float* g = dy + ((static_cast<long>(b) * s.out_h + oy) * s.out_w + ox) * C;
        for (int c = 0; c < C; c++)
          if (where[c] >= 0) grad[where[c]] += g[c];
      }
    }
  });
}

}  // namespace engine
