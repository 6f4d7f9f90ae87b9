// Batch normalization's backward pass over [rows, channels] (NHWC flattened), in one read of
// x and dy: tfjs composes it of a dozen full-size element-wise ops, a tile and four sums.
#pragma once

namespace engine {

struct BatchNormGrads {
  float* dx;      // [rows, channels]: dy · scale / √(var + ε)
  float* dmean;   // [channels]: −scale / √(var + ε) · Σ dy
  float* dvar;    // [channels]: −½ scale (var + ε)^−3/2 · Σ dy (x − mean)
  float* dscale;  // [channels]: Σ dy (x − mean) / √(var + ε)
  float* doffset; // [channels]: Σ dy
};

/** scale may be null (1). */
void batch_norm_backward(long rows, long channels, const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon, const BatchNormGrads& out);

}  // namespace engine
