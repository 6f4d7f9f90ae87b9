// 2-D max pooling over NHWC tensors and its gradient, in one pass each.
#pragma once

namespace engine {

struct PoolShape {
  int batch, in_h, in_w, channels;
  int filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w;
  int pad_top, pad_left;
  int out_h, out_w;
};

/** y = max over each window (padding never wins: windows only look at real pixels). */
void max_pool_forward(const PoolShape& s, const float* x, float* y);
/** dx = dy routed to the first maximum of each window (tfjs's choice on ties), summed where windows overlap. */
void max_pool_backward(const PoolShape& s, const float* x, const float* dy, float* dx);

}  // namespace engine
