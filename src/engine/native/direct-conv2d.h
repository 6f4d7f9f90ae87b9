// Direct 2-D convolution for narrow channel counts (NHWC input, HWIO filter), with no column
// matrix: a 16→16 3×3 convolution's column matrix is 9× the input, and its GEMM has only 16
// output columns, so im2col + GEMM spends its time moving that matrix. Here one AVX-512
// register holds 16 output channels and a run of output pixels accumulates in registers over
// (filter row, filter column, input channel). conv2d.cc dispatches to it when it applies.
#pragma once

#include "conv2d.h"

namespace engine {

/** Whether the direct path is used where it applies (on by default; off forces im2col, for benchmarks). */
void set_direct_conv_enabled(bool enabled);
bool direct_conv_enabled();

/** The shapes each direct kernel handles, and where it beats im2col + GEMM. */
bool direct_forward_applies(const ConvShape& s);
bool direct_backprop_input_applies(const ConvShape& s);
bool direct_backprop_filter_applies(const ConvShape& s);

/** As conv2d_forward, for shapes direct_forward_applies to. */
void direct_conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float alpha, float* y);
/** As conv2d_backprop_input, for shapes direct_backprop_input_applies to. */
void direct_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx);
/** As conv2d_backprop_filter, for shapes direct_backprop_filter_applies to. */
void direct_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw);

}  // namespace engine
