#include "avg-pool.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "thread-pool.h"

namespace engine {
namespace {

/** The window of output (oy, ox) clipped to the image: rows [y0, y1), columns [x0, x1). */
struct Window {
  int y0, y1, x0, x1;
  int count() const { return (y1 - y0) * (x1 - x0); }
};

Window window_of(const PoolShape& s, int oy, int ox) {
  const int top = oy * s.stride_h - s.pad_top, left = ox * s.stride_w - s.pad_left;
  return {std::max(0, top), std::min(s.in_h, top + s.filter_h), std::max(0, left), std::min(s.in_w, left + s.filter_w)};
}

}  // namespace

void avg_pool_forward(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels;
  parallel_for(s.batch * s.out_h, [&](int line) {
    const int b = line / s.out_h, oy = line % s.out_h;
    const float* image = x + static_cast<long>(b) * s.in_h * s.in_w * C;
    std::vector<float> acc(C);
    for (int ox = 0; ox < s.out_w; ox++) {
      const Window w = window_of(s, oy, ox);
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int iy = w.y0; iy < w.y1; iy++)
        for (int ix = w.x0; ix < w.x1; ix++) {
          const float* px = image + (static_cast<long>(iy) * s.in_w + ix) * C;
          for (int c = 0; c < C; c++) acc[c] += px[c];
        }
      float* out = y + (static_cast<long>(line) * s.out_w + ox) * C;
      const float inv = w.count() > 0 ? 1.f / static_cast<float>(w.count()) : 0.f;
      for (int c = 0; c < C; c++) out[c] = acc[c] * inv;
    }
  });
}

void avg_pool_backward(const PoolShape& s, const float* dy, float* dx) {
  const int C = s.channels;
  // One task per image: a window only ever reaches into its own image.
  parallel_for(s.batch, [&](int b) {
    float* grad = dx + static_cast<long>(b) * s.in_h * s.in_w * C;
    std::memset(grad, 0, sizeof(float) * s.in_h * s.in_w * C);
    for (int oy = 0; oy < s.out_h; oy++)
      for (int ox = 0; ox < s.out_w; ox++) {
        const Window w = window_of(s, oy, ox);
        if (w.count() <= 0) continue;
        const float inv = 1.f / static_cast<float>(w.count());
        const float* g = dy + ((static_cast<long>(b) * s.out_h + oy) * s.out_w + ox) * C;
        for (int iy = w.y0; iy < w.y1; iy++)
          for (int ix = w.x0; ix < w.x1; ix++) {
            float* px = grad + (static_cast<long>(iy) * s.in_w + ix) * C;
            for (int c = 0; c < C; c++) px[c] += g[c] * inv;
          }
      }
  });
}

}  // namespace engine
