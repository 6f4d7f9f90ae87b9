#include "conv2d.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "direct-conv2d.h"
#include "gemm.h"
#include "thread-pool.h"

namespace engine {
namespace {

/** A buffer kept between calls: the column matrix of a layer is megabytes, reallocating it every batch costs page faults. */
struct Scratch {
  float* p = nullptr;
  size_t n = 0;
  float* get(size_t want) {
    if (want > n) {
      std::free(p);
      p = static_cast<float*>(std::malloc(want * sizeof(float)));
      n = want;
    }
    return p;
  }
};
Scratch columns;

inline long rows_of(const ConvShape& s) { return static_cast<long>(s.batch) * s.out_h * s.out_w; }
inline int depth_of(const ConvShape& s) { return s.filter_h * s.filter_w * s.in_c; }

/** Rows of the column matrix in chunks of whole output lines, so each task writes its own rows. */
void im2col(const ConvShape& s, const float* x, float* cols) {
  const int depth = depth_of(s);
  parallel_for(s.batch * s.out_h, [&](int line) {
    const int b = line / s.out_h, oy = line % s.out_h;
    for (int ox = 0; ox < s.out_w; ox++) {
      float* row = cols + (static_cast<long>(line) * s.out_w + ox) * depth;
      for (int ky = 0; ky < s.filter_h; ky++) {
        const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
        float* dst = row + ky * s.filter_w * s.in_c;
        if (iy < 0 || iy >= s.in_h) {
          std::memset(dst, 0, sizeof(float) * s.filter_w * s.in_c);
          continue;
        }
        const float* src_line = x + (static_cast<long>(b) * s.in_h + iy) * s.in_w * s.in_c;
        const int ix0 = ox * s.stride_w - s.pad_left;
        if (s.dilation_w == 1 && ix0 >= 0 && ix0 + s.filter_w <= s.in_w) {
          // Common case: the patch row is one contiguous run of filter_w × in_c values.
          std::memcpy(dst, src_line + static_cast<long>(ix0) * s.in_c, sizeof(float) * s.filter_w * s.in_c);
          continue;
        }
        for (int kx = 0; kx < s.filter_w; kx++) {
          const int ix = ix0 + kx * s.dilation_w;
          if (ix < 0 || ix >= s.in_w)
            std::memset(dst + kx * s.in_c, 0, sizeof(float) * s.in_c);
          else
            std::memcpy(dst + kx * s.in_c, src_line + static_cast<long>(ix) * s.in_c, sizeof(float) * s.in_c);
        }
      }
    }
  });
}

/** Adds each column-matrix row back onto the input pixels it was copied from (the transpose of im2col). */
void col2im(const ConvShape& s, const float* cols, float* dx) {
  const int depth = depth_of(s);
  // One task per image: images never share input pixels, so no two tasks write the same value.
  parallel_for(s.batch, [&](int b) {
    float* image = dx + static_cast<long>(b) * s.in_h * s.in_w * s.in_c;
    std::memset(image, 0, sizeof(float) * s.in_h * s.in_w * s.in_c);
    for (int oy = 0; oy < s.out_h; oy++) {
      for (int ox = 0; ox < s.out_w; ox++) {
        const float* row = cols + ((static_cast<long>(b) * s.out_h + oy) * s.out_w + ox) * depth;
        for (int ky = 0; ky < s.filter_h; ky++) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.filter_w; kx++) {
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (ix < 0 || ix >= s.in_w) continue;
            float* dst = image + (static_cast<long>(iy) * s.in_w + ix) * s.in_c;
            const float* src = row + (ky * s.filter_w + kx) * s.in_c;
            for (int c = 0; c < s.in_c; c++) dst[c] += src[c];
          }
        }
      }
    }
  });
}

inline float activate(float v, Activation act, float alpha) {
  switch (act) {
    case Activation::linear:
      return v;
    case Activation::relu:
      return v > 0.f ? v : 0.f;
    case Activation::relu6:
      return std::min(std::max(v, 0.f), 6.f);
    case Activation::elu:
      return v >= 0.f ? v : std::expm1(v);
    case Activation::sigmoid:
      return 1.f / (1.f + std::exp(-v));
    case Activation::leakyrelu:
      return v < 0.f ? alpha * v : v;
  }
  return v;
}

}  // namespace

void bias_activation_serial(float* v, long rows, int n, const float* bias, Activation act, float alpha) {
  for (long r = 0; r < rows; r++) {
    float* row = v + r * n;
    if (bias)
      for (int j = 0; j < n; j++) row[j] += bias[j];
    if (act == Activation::relu)
      for (int j = 0; j < n; j++) row[j] = row[j] > 0.f ? row[j] : 0.f;
    else if (act != Activation::linear)
      for (int j = 0; j < n; j++) row[j] = activate(row[j], act, alpha);
  }
}

void bias_activation(float* v, long rows, int n, const float* bias, Activation act, float alpha) {
  if (!bias && act == Activation::linear) return;
  const long chunk = std::max(1L, 16384L / std::max(1, n));
  const int tasks = static_cast<int>((rows + chunk - 1) / chunk);
  parallel_for(tasks, [&](int t) {
    const long r0 = t * chunk;
    bias_activation_serial(v + r0 * n, std::min(rows, r0 + chunk) - r0, n, bias, act, alpha);
  });
}

void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float alpha, float* y) {
  if (direct_conv_enabled() && direct_forward_applies(s)) return direct_conv2d_forward(s, x, w, bias, act, alpha, y);
  const long rows = rows_of(s);
  const int depth = depth_of(s);
  const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 && s.pad_left == 0;
  const float* cols = x;  // a 1×1 convolution with stride 1 is already its own column matrix
  if (!pointwise) {
    float* c = columns.get(static_cast<size_t>(rows) * depth);
    im2col(s, x, c);
    cols = c;
  }
  // The filter, HWIO, is exactly the [depth × out_c] right-hand matrix.
  sgemm(false, false, static_cast<int>(rows), s.out_c, depth, cols, depth, w, s.out_c, y, s.out_c, false);
  bias_activation(y, rows, s.out_c, bias, act, alpha);
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  if (direct_conv_enabled() && direct_backprop_filter_applies(s)) return direct_conv2d_backprop_filter(s, x, dy, dw);
  const long rows = rows_of(s);
  const int depth = depth_of(s);
  const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 && s.pad_left == 0;
  const float* cols = x;
  if (!pointwise) {
    float* c = columns.get(static_cast<size_t>(rows) * depth);
    im2col(s, x, c);
    cols = c;
  }
  sgemm(true, false, depth, s.out_c, static_cast<int>(rows), cols, depth, dy, s.out_c, dw, s.out_c, false);
}

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (direct_conv_enabled() && direct_backprop_input_applies(s)) return direct_conv2d_backprop_input(s, dy, w, dx);
  const long rows = rows_of(s);
  const int depth = depth_of(s);
  const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 && s.pad_left == 0;
  if (pointwise) {
    sgemm(false, true, static_cast<int>(rows), depth, s.out_c, dy, s.out_c, w, s.out_c, dx, depth, false);
    return;
  }
  float* cols = columns.get(static_cast<size_t>(rows) * depth);
  sgemm(false, true, static_cast<int>(rows), depth, s.out_c, dy, s.out_c, w, s.out_c, cols, depth, false);
  col2im(s, cols, dx);
}

}  // namespace engine
