// Tile and strided broadcasting: the data movement of a training step's gradients (batch
// norm's backward pass tiles per-channel values over the batch) that tfjs's cpu backend
// does one element at a time with index arithmetic.
#pragma once

namespace engine {

/** y = x repeated reps[d] times along each of its `rank` dimensions (row-major). */
void tile(const float* x, const int* in_shape, const int* reps, int rank, float* y);

}  // namespace engine
