// One optimizer step for one variable in one pass: tfjs's optimizers run it as about a dozen
// element-wise ops per variable (each a kernel call, an allocation and a read of every value),
// which for a model of many small variables costs more than the arithmetic. Each writes new
// arrays (the caller's), reading the old ones: tfjs's tensors stay immutable. Each takes
// tfjs's ops in tfjs's order, every one rounded to float32 as its kernels round them, so the
// results are tfjs's to the bit; the scalars are float32 as tfjs's scalars are (1 − β is
// computed in double, then rounded: 1 − float(β) differs in the 5th digit).
#pragma once

namespace engine {

struct AdamStep {
  float learning_rate, beta1, beta2, epsilon;
  float one_minus_beta1, one_minus_beta2;
  float one_minus_acc_beta1;  // 1 − β1^t, as tfjs keeps it (float32)
  float one_minus_acc_beta2;  // 1 − β2^t
};

/** m' = β1 m + (1 − β1) g; v' = β2 v + (1 − β2) g²; value' = value − lr · m̂ / (√v̂ + ε). */
void adam_step(long n, const float* value, const float* grad, const float* m, const float* v, const AdamStep& p, float* new_value, float* new_m, float* new_v);

/** acc' = μ acc + g; value' = value − lr · acc' (nesterov: value − lr · (g + μ acc')). */
void momentum_step(long n, const float* value, const float* grad, const float* acc, float learning_rate, float momentum, bool nesterov, float* new_value, float* new_acc);

/** value' = value − lr · g. */
void sgd_step(long n, const float* value, const float* grad, float learning_rate, float* new_value);

struct RMSPropStep {
  float learning_rate, decay, one_minus_decay, momentum, epsilon;
};

/**
 * ms' = ρ ms + (1 − ρ) g²; mom' = μ mom + lr · g / √(ms' + ε); value' = value − mom'.
 * Centered (mg and new_mg not null): mg' = ρ mg + (1 − ρ) g and the root is of
 * max(ms' − mg'², 0) + ε, as CenteredRMSProp takes it.
 */
void rmsprop_step(long n, const float* value, const float* grad, const float* ms, const float* mom, const float* mg, const RMSPropStep& p, float* new_value, float* new_ms, float* new_mom, float* new_mg);

/** acc' = acc + g²; value' = value − lr · g / √(acc' + ε). */
void adagrad_step(long n, const float* value, const float* grad, const float* acc, float learning_rate, float epsilon, float* new_value, float* new_acc);

struct AdadeltaStep {
  float learning_rate, rho, one_minus_rho, epsilon;
};

/**
 * Δ = √(accΔ + ε) / √(accG + ε) · g (tfjs's: the old accG); accG' = ρ accG + (1 − ρ) g²;
 * accΔ' = ρ accΔ + (1 − ρ) Δ²; value' = value − lr · Δ.
 */
void adadelta_step(long n, const float* value, const float* grad, const float* acc_grad, const float* acc_update, const AdadeltaStep& p, float* new_value, float* new_acc_grad, float* new_acc_update);

struct AdamaxStep {
  float beta1, one_minus_beta1, beta2, epsilon;
  float step_size;  // lr / (1 + decay · t) / (1 − β1^t), each op rounded as tfjs's scalars are
};

/** m' = β1 m + (1 − β1) g; u' = max(β2 u, |g|); value' = value − step_size · m' / (u' + ε). */
void adamax_step(long n, const float* value, const float* grad, const float* m, const float* u, const AdamaxStep& p, float* new_value, float* new_m, float* new_u);

}  // namespace engine
