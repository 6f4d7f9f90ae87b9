// 2-D convolution (NHWC input, HWIO filter, as tfjs stores them) and its two gradients,
// as im2col + GEMM: one row of the column matrix per output pixel, one column per
// (filter row, filter column, input channel).
#pragma once

namespace engine {

struct ConvShape {
  int batch, in_h, in_w, in_c;
  int filter_h, filter_w, out_c;
  int stride_h, stride_w, dilation_h, dilation_w;
  int pad_top, pad_left;
  int out_h, out_w;
};

/** Activations fused into the forward convolution and the dense product (tfjs's names). */
enum class Activation { linear = 0, relu = 1, relu6 = 2, elu = 3, sigmoid = 4, leakyrelu = 5 };

/** y = act(conv(x, w) + bias); bias may be null (else out_c values). */
void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float alpha, float* y);
/** dw[filter_h, filter_w, in_c, out_c] = Σ over output pixels of patch(x) ⊗ dy. */
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw);
/** dx[batch, in_h, in_w, in_c] = col2im(dy · wᵀ). */
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx);

/** In place: v = act(v + bias[j % n]) over rows of n values; bias may be null. */
void bias_activation(float* v, long rows, int n, const float* bias, Activation act, float alpha);
/** The same on the calling thread, for a kernel that is already one task of a parallel loop. */
void bias_activation_serial(float* v, long rows, int n, const float* bias, Activation act, float alpha);

}  // namespace engine
