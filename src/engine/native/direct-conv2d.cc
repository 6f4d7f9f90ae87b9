#include "direct-conv2d.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "thread-pool.h"

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace engine {

namespace {
std::atomic<bool> enabled{true};
}  // namespace

void set_direct_conv_enabled(bool on) { enabled = on; }
bool direct_conv_enabled() { return enabled; }

#ifndef __AVX512F__

// Without AVX-512 every convolution stays on im2col + GEMM.
bool direct_forward_applies(const ConvShape&) { return false; }
bool direct_backprop_input_applies(const ConvShape&) { return false; }
bool direct_backprop_filter_applies(const ConvShape&) { return false; }
void direct_conv2d_forward(const ConvShape&, const float*, const float*, const float*, Activation, float, float*) {}
void direct_conv2d_backprop_input(const ConvShape&, const float*, const float*, float*) {}
void direct_conv2d_backprop_filter(const ConvShape&, const float*, const float*, float*) {}

#else

namespace {

/** Output channels one register holds. */
constexpr int kLanes = 16;

inline bool narrow(int channels) { return channels % kLanes == 0 && channels <= 4 * kLanes; }

/** [first, end) of the output positions o (of n) whose whole filter extent 0 ≤ o·stride − pad + k·dilation < size. */
void inner_range(int n, int stride, int pad, int span, int size, int& first, int& end) {
  first = 0;
  while (first < n && first * stride - pad < 0) first++;
  end = n;
  while (end > first && (end - 1) * stride - pad + span > size - 1) end--;
}

/**
 * P output pixels of one line whose filter window lies inside the image along x, NV×16
 * output channels each, all kept in registers while the filter rows, columns and input
 * channels are summed: one broadcast input value times one 16-channel weight vector per FMA.
 */
template <int NV, int P>
inline void interior_block(const ConvShape& s, const float* image, const float* w, const float* bias, int oy, int ox, float* out) {
  __m512 acc[P][NV];
  for (int v = 0; v < NV; v++) {
    const __m512 b = bias ? _mm512_loadu_ps(bias + v * kLanes) : _mm512_setzero_ps();
    for (int p = 0; p < P; p++) acc[p][v] = b;
  }
  const long step = static_cast<long>(s.stride_w) * s.in_c;
  const int ix0 = ox * s.stride_w - s.pad_left;
  for (int ky = 0; ky < s.filter_h; ky++) {
    const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
    if (iy < 0 || iy >= s.in_h) continue;
    const float* line = image + static_cast<long>(iy) * s.in_w * s.in_c;
    for (int kx = 0; kx < s.filter_w; kx++) {
      const float* xp = line + static_cast<long>(ix0 + kx * s.dilation_w) * s.in_c;
      const float* wk = w + static_cast<long>(ky * s.filter_w + kx) * s.in_c * s.out_c;
      for (int ci = 0; ci < s.in_c; ci++) {
        __m512 wv[NV];
        for (int v = 0; v < NV; v++) wv[v] = _mm512_loadu_ps(wk + static_cast<long>(ci) * s.out_c + v * kLanes);
        for (int p = 0; p < P; p++) {
          const __m512 xb = _mm512_set1_ps(xp[p * step + ci]);
          for (int v = 0; v < NV; v++) acc[p][v] = _mm512_fmadd_ps(xb, wv[v], acc[p][v]);
        }
      }
    }
  }
  for (int p = 0; p < P; p++)
    for (int v = 0; v < NV; v++) _mm512_storeu_ps(out + static_cast<long>(p) * s.out_c + v * kLanes, acc[p][v]);
}

/** One output pixel whose filter window crosses the image's left or right edge: taps outside are zero padding. */
template <int NV>
inline void edge_pixel(const ConvShape& s, const float* image, const float* w, const float* bias, int oy, int ox, float* out) {
  __m512 acc[NV];
  for (int v = 0; v < NV; v++) acc[v] = bias ? _mm512_loadu_ps(bias + v * kLanes) : _mm512_setzero_ps();
  for (int ky = 0; ky < s.filter_h; ky++) {
    const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
    if (iy < 0 || iy >= s.in_h) continue;
    for (int kx = 0; kx < s.filter_w; kx++) {
      const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
      if (ix < 0 || ix >= s.in_w) continue;
      const float* xp = image + (static_cast<long>(iy) * s.in_w + ix) * s.in_c;
      const float* wk = w + static_cast<long>(ky * s.filter_w + kx) * s.in_c * s.out_c;
      for (int ci = 0; ci < s.in_c; ci++) {
        const __m512 xb = _mm512_set1_ps(xp[ci]);
        for (int v = 0; v < NV; v++) acc[v] = _mm512_fmadd_ps(xb, _mm512_loadu_ps(wk + static_cast<long>(ci) * s.out_c + v * kLanes), acc[v]);
      }
    }
  }
  for (int v = 0; v < NV; v++) _mm512_storeu_ps(out + v * kLanes, acc[v]);
}

/** Pixels per register block: as many as leave room for the NV weight vectors among 32 registers. */
template <int NV>
constexpr int pixels_per_block() {
  return NV == 1 ? 12 : NV == 2 ? 8 : 6;
}

template <int NV>
void forward_lines(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float alpha, float* y) {
  constexpr int P = pixels_per_block<NV>();
  int first, end;
  inner_range(s.out_w, s.stride_w, s.pad_left, (s.filter_w - 1) * s.dilation_w, s.in_w, first, end);
  parallel_for(s.batch * s.out_h, [&](int line) {
    const int b = line / s.out_h, oy = line % s.out_h;
    const float* image = x + static_cast<long>(b) * s.in_h * s.in_w * s.in_c;
    float* out = y + static_cast<long>(line) * s.out_w * s.out_c;
    int ox = 0;
    for (; ox < first; ox++) edge_pixel<NV>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c);
    for (; ox + P <= end; ox += P) interior_block<NV, P>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c);
    // The rest in blocks of 4 and 2 before single pixels: a 7-pixel line has only 5 inner pixels.
    if (P > 4 && ox + 4 <= end) interior_block<NV, 4>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c), ox += 4;
    for (; ox + 2 <= end; ox += 2) interior_block<NV, 2>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c);
    for (; ox < end; ox++) interior_block<NV, 1>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c);
    for (; ox < s.out_w; ox++) edge_pixel<NV>(s, image, w, bias, oy, ox, out + static_cast<long>(ox) * s.out_c);
    // The line was just written, so the activation reads it from L1 rather than in a second pass over y.
    bias_activation_serial(out, s.out_w, s.out_c, nullptr, act, alpha);
  });
}

/**
 * The input gradient at any stride, for P input pixels of one line that are `stride_w` apart
 * (so the same filter columns, `taps`, reach them) and see only output pixels inside dy:
 * NV×16 input channels each in registers, summed over the filter rows that reach the line,
 * those columns and the output channels (one broadcast dy value times a 16-channel vector of
 * wt, the filter with its channel axes swapped).
 */
template <int NV, int P>
inline void gradient_block(const ConvShape& s, const float* grad, const float* wt, int iy, int ix0, const int* taps, int tap_count, float* out) {
  __m512 acc[P][NV];
  for (int p = 0; p < P; p++)
    for (int v = 0; v < NV; v++) acc[p][v] = _mm512_setzero_ps();
  for (int ky = 0; ky < s.filter_h; ky++) {
    const int ny = iy + s.pad_top - ky * s.dilation_h;
    if (ny < 0 || ny % s.stride_h != 0 || ny / s.stride_h >= s.out_h) continue;
    const float* line = grad + static_cast<long>(ny / s.stride_h) * s.out_w * s.out_c;
    for (int t = 0; t < tap_count; t++) {
      const int kx = taps[t];
      const float* gp = line + static_cast<long>((ix0 + s.pad_left - kx * s.dilation_w) / s.stride_w) * s.out_c;
      const float* wk = wt + static_cast<long>(ky * s.filter_w + kx) * s.out_c * s.in_c;
      for (int co = 0; co < s.out_c; co++) {
        __m512 wv[NV];
        for (int v = 0; v < NV; v++) wv[v] = _mm512_loadu_ps(wk + static_cast<long>(co) * s.in_c + v * kLanes);
        for (int p = 0; p < P; p++) {
          const __m512 gb = _mm512_set1_ps(gp[static_cast<long>(p) * s.out_c + co]);
          for (int v = 0; v < NV; v++) acc[p][v] = _mm512_fmadd_ps(gb, wv[v], acc[p][v]);
        }
      }
    }
  }
  const long step = static_cast<long>(s.stride_w) * s.in_c;
  for (int p = 0; p < P; p++)
    for (int v = 0; v < NV; v++) _mm512_storeu_ps(out + p * step + v * kLanes, acc[p][v]);
}

/** One input pixel near the left or right edge: only the taps whose output pixel lies inside dy. */
template <int NV>
inline void gradient_edge_pixel(const ConvShape& s, const float* grad, const float* wt, int iy, int ix, const int* taps, int tap_count, float* out) {
  int inside[64];
  int count = 0;
  for (int t = 0; t < tap_count; t++) {
    const int ox = (ix + s.pad_left - taps[t] * s.dilation_w) / s.stride_w;
    if (ix + s.pad_left - taps[t] * s.dilation_w >= 0 && ox < s.out_w) inside[count++] = taps[t];
  }
  gradient_block<NV, 1>(s, grad, wt, iy, ix, inside, count, out);
}

/** The input pixels of one phase (ix ≡ phase mod stride_w): the filter columns that reach them, and which of them are clear of dy's edges. */
struct GradientPhase {
  int taps[64];
  int tap_count = 0;
  int first = 0, end = 0;  // indices j (ix = phase + j·stride_w) whose every tap lands inside dy
  int pixels = 0;
};

GradientPhase phase_of(const ConvShape& s, int phase) {
  GradientPhase g;
  for (int kx = 0; kx < s.filter_w; kx++)
    if ((phase + s.pad_left - kx * s.dilation_w) % s.stride_w == 0) g.taps[g.tap_count++] = kx;
  g.pixels = phase < s.in_w ? (s.in_w - phase + s.stride_w - 1) / s.stride_w : 0;
  const auto clear = [&](int j) {
    for (int t = 0; t < g.tap_count; t++) {
      const int n = phase + j * s.stride_w + s.pad_left - g.taps[t] * s.dilation_w;
      if (n < 0 || n / s.stride_w >= s.out_w) return false;
    }
    return true;
  };
  g.first = 0;
  while (g.first < g.pixels && !clear(g.first)) g.first++;
  g.end = g.pixels;
  while (g.end > g.first && !clear(g.end - 1)) g.end--;
  return g;
}

template <int NV>
void gradient_lines(const ConvShape& s, const float* dy, const float* wt, float* dx) {
  constexpr int P = pixels_per_block<NV>();
  std::vector<GradientPhase> phases;
  for (int phase = 0; phase < s.stride_w; phase++) phases.push_back(phase_of(s, phase));
  parallel_for(s.batch * s.in_h, [&](int line) {
    const int b = line / s.in_h, iy = line % s.in_h;
    const float* grad = dy + static_cast<long>(b) * s.out_h * s.out_w * s.out_c;
    float* row = dx + static_cast<long>(line) * s.in_w * s.in_c;
    for (int phase = 0; phase < s.stride_w; phase++) {
      const GradientPhase& g = phases[phase];
      const auto at = [&](int j) { return phase + j * s.stride_w; };
      const auto out = [&](int j) { return row + static_cast<long>(at(j)) * s.in_c; };
      int j = 0;
      for (; j < g.first; j++) gradient_edge_pixel<NV>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j));
      for (; j + P <= g.end; j += P) gradient_block<NV, P>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j));
      if (P > 4 && j + 4 <= g.end) gradient_block<NV, 4>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j)), j += 4;
      for (; j + 2 <= g.end; j += 2) gradient_block<NV, 2>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j));
      for (; j < g.end; j++) gradient_block<NV, 1>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j));
      for (; j < g.pixels; j++) gradient_edge_pixel<NV>(s, grad, wt, iy, at(j), g.taps, g.tap_count, out(j));
    }
  });
}

/**
 * dW for one filter tap (ky, kx) and CB input channels from one image: CB × NV×16 sums in
 * registers over every output pixel whose tap lands inside the image, then added to `dw`.
 */
template <int NV, int CB>
inline void filter_tap_block(const ConvShape& s, const float* image, const float* grad, int ky, int kx, int c0, int oy0, int oy1, int ox0, int ox1,
                             float* dw) {
  __m512 acc[CB][NV];
  for (int c = 0; c < CB; c++)
    for (int v = 0; v < NV; v++) acc[c][v] = _mm512_setzero_ps();
  const long step = static_cast<long>(s.stride_w) * s.in_c;
  for (int oy = oy0; oy < oy1; oy++) {
    const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
    const float* xp = image + (static_cast<long>(iy) * s.in_w + ox0 * s.stride_w - s.pad_left + kx * s.dilation_w) * s.in_c + c0;
    const float* gp = grad + (static_cast<long>(oy) * s.out_w + ox0) * s.out_c;
    for (int ox = ox0; ox < ox1; ox++, xp += step, gp += s.out_c) {
      __m512 g[NV];
      for (int v = 0; v < NV; v++) g[v] = _mm512_loadu_ps(gp + v * kLanes);
      for (int c = 0; c < CB; c++) {
        const __m512 xb = _mm512_set1_ps(xp[c]);
        for (int v = 0; v < NV; v++) acc[c][v] = _mm512_fmadd_ps(xb, g[v], acc[c][v]);
      }
    }
  }
  float* dst = dw + (static_cast<long>(ky * s.filter_w + kx) * s.in_c + c0) * s.out_c;
  for (int c = 0; c < CB; c++)
    for (int v = 0; v < NV; v++) {
      float* d = dst + static_cast<long>(c) * s.out_c + v * kLanes;
      _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[c][v]));
    }
}

/** [first, end) of the output positions o (of n) with 0 ≤ o·stride − pad + offset < size. */
void tap_range(int n, int stride, int pad, int offset, int size, int& first, int& end) {
  first = 0;
  while (first < n && first * stride - pad + offset < 0) first++;
  end = n;
  while (end > first && (end - 1) * stride - pad + offset > size - 1) end--;
}

/** Input channels per register block: CB × NV accumulators plus NV gradient vectors within 32 registers. */
template <int NV>
constexpr int channels_per_block() {
  return NV <= 2 ? 8 : 6;
}

template <int NV>
void filter_gradient_of_image(const ConvShape& s, const float* image, const float* grad, float* dw) {
  constexpr int CB = channels_per_block<NV>();
  for (int ky = 0; ky < s.filter_h; ky++) {
    int oy0, oy1;
    tap_range(s.out_h, s.stride_h, s.pad_top, ky * s.dilation_h, s.in_h, oy0, oy1);
    for (int kx = 0; kx < s.filter_w; kx++) {
      int ox0, ox1;
      tap_range(s.out_w, s.stride_w, s.pad_left, kx * s.dilation_w, s.in_w, ox0, ox1);
      if (oy0 >= oy1 || ox0 >= ox1) continue;
      int c = 0;
      for (; c + CB <= s.in_c; c += CB) filter_tap_block<NV, CB>(s, image, grad, ky, kx, c, oy0, oy1, ox0, ox1, dw);
      // The rest 4 and 2 at a time: with a single accumulator the sum waits on each FMA's latency.
      if (CB > 4 && c + 4 <= s.in_c) filter_tap_block<NV, 4>(s, image, grad, ky, kx, c, oy0, oy1, ox0, ox1, dw), c += 4;
      if (c + 2 <= s.in_c) filter_tap_block<NV, 2>(s, image, grad, ky, kx, c, oy0, oy1, ox0, ox1, dw), c += 2;
      for (; c < s.in_c; c++) filter_tap_block<NV, 1>(s, image, grad, ky, kx, c, oy0, oy1, ox0, ox1, dw);
    }
  }
}

/** Per-task partial filter gradients, kept between calls like conv2d.cc's column matrix. */
std::vector<float> partials;

template <int NV>
void backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const long size = static_cast<long>(s.filter_h) * s.filter_w * s.in_c * s.out_c;
  // Groups of images, each summed into its own partial: more groups than threads, so a core
  // another process holds for a while does not leave the other idle at the end.
  const int groups = std::min(s.batch, 4 * thread_count());
  partials.assign(static_cast<size_t>(groups) * size, 0.f);
  parallel_for(groups, [&](int g) {
    float* partial = partials.data() + g * size;
    for (int b = g * s.batch / groups; b < (g + 1) * s.batch / groups; b++)
      filter_gradient_of_image<NV>(s, x + static_cast<long>(b) * s.in_h * s.in_w * s.in_c, dy + static_cast<long>(b) * s.out_h * s.out_w * s.out_c,
                                   partial);
  });
  parallel_chunks(size, 4096, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      float sum = 0.f;
      for (int g = 0; g < groups; g++) sum += partials[g * size + i];
      dw[i] = sum;
    }
  });
}

template <typename F>
void by_vectors(int channels, F fn) {
  switch (channels / kLanes) {
    case 1:
      return fn(std::integral_constant<int, 1>{});
    case 2:
      return fn(std::integral_constant<int, 2>{});
    case 3:
      return fn(std::integral_constant<int, 3>{});
    default:
      return fn(std::integral_constant<int, 4>{});
  }
}

}  // namespace

// Measured (bench:conv, batch 64) at 1→16 to 64→64, 3×3, 5×5 and 1×1, 7² to 28², strides 1
// and 2: 1.0–6× im2col + GEMM in every pass. Wider layers were not measured and stay on the
// GEMM, whose blocking pays more as the output columns grow. The input gradient needs its input
// channels (the kernel's vectors) to be 16·k; filter_w ≤ 64 bounds GradientPhase's taps.
bool direct_forward_applies(const ConvShape& s) { return narrow(s.out_c) && s.in_c <= 64; }
bool direct_backprop_input_applies(const ConvShape& s) { return narrow(s.in_c) && s.out_c <= 64 && s.filter_w <= 64; }
bool direct_backprop_filter_applies(const ConvShape& s) { return narrow(s.out_c) && s.in_c <= 64; }

void direct_conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float alpha, float* y) {
  by_vectors(s.out_c, [&](auto nv) { forward_lines<decltype(nv)::value>(s, x, w, bias, act, alpha, y); });
}

void direct_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  // wt[ky][kx][co][ci]: the 16 input channels one register accumulates are contiguous.
  std::vector<float> wt(static_cast<size_t>(s.filter_h) * s.filter_w * s.in_c * s.out_c);
  for (long tap = 0; tap < static_cast<long>(s.filter_h) * s.filter_w; tap++)
    for (int ci = 0; ci < s.in_c; ci++)
      for (int co = 0; co < s.out_c; co++) wt[(tap * s.out_c + co) * s.in_c + ci] = w[(tap * s.in_c + ci) * s.out_c + co];
  by_vectors(s.in_c, [&](auto nv) { gradient_lines<decltype(nv)::value>(s, dy, wt.data(), dx); });
}

void direct_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  by_vectors(s.out_c, [&](auto nv) { backprop_filter<decltype(nv)::value>(s, x, dy, dw); });
}

#endif

}  // namespace engine
