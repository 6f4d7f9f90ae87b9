// 2-D average pooling over NHWC tensors and its gradient, one pass each.
#pragma once

#include "max-pool.h"

namespace engine {

/** y = the mean of each window's real pixels (padding is not counted, as in tfjs and TensorFlow). */
void avg_pool_forward(const PoolShape& s, const float* x, float* y);
/**
 * dx = each window's dy shared equally among the real pixels it averaged: the true gradient
 * of avg_pool_forward. (tfjs's cpu kernel divides by the full window size even where
 * padding made the forward pass divide by fewer pixels; with valid padding they agree.)
 */
void avg_pool_backward(const PoolShape& s, const float* dy, float* dx);

}  // namespace engine
