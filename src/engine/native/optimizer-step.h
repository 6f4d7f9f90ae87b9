// One optimizer step for one variable in one pass: tfjs's optimizers run it as about a dozen
// element-wise ops per variable (each a kernel call, an allocation and a read of every value),
// which for a model of many small variables costs more than the arithmetic. Each writes new
// arrays (the caller's), reading the old ones: tfjs's tensors stay immutable.
#pragma once

namespace engine {

struct AdamStep {
  float learning_rate, beta1, beta2, epsilon;
  // 1 − β computed in double, then rounded, as tfjs's scalars are (1 − float(β) differs in the 5th digit).
  float one_minus_beta1, one_minus_beta2;
  float one_minus_acc_beta1;  // 1 − β1^t, as tfjs keeps it (float32)
  float one_minus_acc_beta2;  // 1 − β2^t
};

/** m' = β1 m + (1 − β1) g; v' = β2 v + (1 − β2) g²; value' = value − lr · m̂ / (√v̂ + ε). */
void adam_step(long n, const float* value, const float* grad, const float* m, const float* v, const AdamStep& p, float* new_value, float* new_m, float* new_v);

/** acc' = μ acc + g; value' = value − lr · acc' (nesterov: value − lr · (g + μ acc')). */
void momentum_step(long n, const float* value, const float* grad, const float* acc, float learning_rate, float momentum, bool nesterov, float* new_value, float* new_acc);

}  // namespace engine
