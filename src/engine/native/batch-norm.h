// Batch normalization over [rows, channels] (NHWC flattened): the backward pass of the
// normalization alone (mean and variance given), the batch's moments, and the backward pass
// of training mode, where mean and variance are the batch's own, all in one or two reads of
// x and dy: tfjs composes each of a dozen full-size element-wise ops, tiles and sums.
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

/** Per-channel mean and (biased) variance of x, accumulated in double, in two reads of x. */
void batch_norm_moments(long rows, long channels, const float* x, float* mean, float* variance);

struct BatchNormTrainingGrads {
  const float* dmean_out; // [channels] or null: the gradient reaching the batch mean output
  const float* dvar_out;  // [channels] or null: the gradient reaching the batch variance output
  float* dx;              // [rows, channels]
  float* dscale;          // [channels]
  float* doffset;         // [channels]
};

/**
 * y = scale (x − μ) / √(σ² + ε) + offset with μ, σ² the batch's moments of x: dx through the
 * moments too, in two reads of x and dy. scale may be null (1).
 */
void batch_norm_training_backward(long rows, long channels, const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon, const BatchNormTrainingGrads& out);

}  // namespace engine
