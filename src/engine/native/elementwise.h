// Element-wise arithmetic, activations and sums over float32 tensors, parallel in chunks.
// tfjs's cpu backend does these in JS with a per-element index computation whenever shapes
// broadcast; in a training step they cost more than the convolutions.
#pragma once

namespace engine {

enum class BinaryOp { add = 0, sub = 1, mul = 2, div = 3, maximum = 4, minimum = 5, squared_difference = 6, pow = 7, elu_grad = 8, relu_grad = 9 };
/** How an operand of a binary op maps onto the output's flat index i. */
enum class Broadcast {
  full = 0,    // operand[i]
  scalar = 1,  // operand[0]
  inner = 2,   // operand[i % param]: the operand is the output's trailing dimensions (a bias)
  outer = 3,   // operand[i / param]: the operand is the output's leading dimensions, trailing 1s
};

void binary(BinaryOp op, long n, const float* a, Broadcast a_mode, long a_param, const float* b, Broadcast b_mode, long b_param, float* out);

/**
 * Any other broadcast: out has `rank` dimensions `shape`; a and b are read with strides
 * (0 along a broadcast dimension), given per output dimension in elements.
 */
void binary_strided(BinaryOp op, int rank, const int* shape, const float* a, const int* a_strides, const float* b, const int* b_strides, float* out);

enum class UnaryOp { relu = 0, step = 1, sqrt = 2, square = 3, neg = 4, tanh = 5, sigmoid = 6, exp = 7, log = 8, abs = 9, floor = 10, rsqrt = 11, elu = 12, relu6 = 13, softplus = 14, selu = 15, erf = 16 };
/** alpha: Step's value for x <= 0. */
void unary(UnaryOp op, long n, const float* x, float alpha, float* y);

/** y[i] = x[i] * scale[i % channels] + shift[i % channels]: a normalisation folded per channel. */
void channel_affine(long n, const float* x, const float* scale, const float* shift, long channels, float* y);

/** y[o, i] = max_r x[o, r, i] (NaN wins, as in tfjs). */
void max_middle(const float* x, long outer, long reduce, long inner, float* y);

/** y[o, i] = Σ_r x[o, r, i] for x viewed as [outer, reduce, inner], summed in double as tfjs does. */
void sum_middle(const float* x, long outer, long reduce, long inner, float* y);

}  // namespace engine
