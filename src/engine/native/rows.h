// Row-wise kernels of a classifier's output and loss, over float32 [rows, cols] views:
// softmax, argmax (accuracy), clipping (cross-entropy's log guard), comparisons and select
// (the clip's gradient), which tfjs's cpu backend runs element by element in JS.
#pragma once

#include <cstdint>

namespace engine {

/** y[r] = softmax(x[r]) over each row of `cols`, max-subtracted as tfjs does. */
void softmax_rows(const float* x, long rows, long cols, float* y);
/** out[r] = the index of the first maximum of row r (a NaN never wins, as in tfjs). */
void argmax_rows(const float* x, long rows, long cols, int32_t* out);
/** y = min(max(x, lo), hi); NaN stays NaN. */
void clip(long n, const float* x, float lo, float hi, float* y);

enum class CompareOp { equal = 0, greater = 1, greater_equal = 2, less = 3, less_equal = 4, not_equal = 5 };
/** out = a op b as 0/1 bytes over `shape`, operands read with strides (0 where they broadcast). */
void compare_strided(CompareOp op, int rank, const int* shape, const float* a, const int* a_strides, const float* b, const int* b_strides, uint8_t* out);
/** out[i] = cond[i] ? a[i] : b[i]. */
void select(long n, const uint8_t* cond, const float* a, const float* b, float* out);

}  // namespace engine
