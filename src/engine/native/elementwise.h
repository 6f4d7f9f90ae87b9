// Element-wise arithmetic, activations and sums over float32 tensors, parallel in chunks.
// tfjs's cpu backend does these in JS with a per-element index computation whenever shapes
// broadcast; in a training step they cost more than the convolutions.
#pragma once

namespace engine {

enum class BinaryOp { add = 0, sub = 1, mul = 2, div = 3 };
/** How an operand of a binary op maps onto the output's flat index i. */
enum class Broadcast {
  full = 0,    // operand[i]
  scalar = 1,  // operand[0]
  inner = 2,   // operand[i % param]: the operand is the output's trailing dimensions (a bias)
  outer = 3,   // operand[i / param]: the operand is the output's leading dimensions, trailing 1s
};

void binary(BinaryOp op, long n, const float* a, Broadcast a_mode, long a_param, const float* b, Broadcast b_mode, long b_param, float* out);

enum class UnaryOp { relu = 0, step = 1, sqrt = 2, square = 3, neg = 4 };
/** alpha: Step's value for x <= 0. */
void unary(UnaryOp op, long n, const float* x, float alpha, float* y);

/** y[o, i] = Σ_r x[o, r, i] for x viewed as [outer, reduce, inner], summed in double as tfjs does. */
void sum_middle(const float* x, long outer, long reduce, long inner, float* y);

}  // namespace engine
