#include "optimizer-step.h"

#include <cmath>

#include "thread-pool.h"

// No multiply-add fusing here (the build allows it for the GEMM): one rounding per op, as
// tfjs's kernels round, keeps every step tfjs's to the bit; memory bounds these loops anyway.
#pragma GCC optimize("fp-contract=off")

namespace engine {

namespace {
constexpr long CHUNK = 1 << 15;

/** tfjs's maximum: Math.max, which is NaN when either is. */
inline float nan_max(float a, float b) { return (a > b || a != a) ? a : b; }
}  // namespace

void adam_step(long n, const float* value, const float* grad, const float* m, const float* v, const AdamStep& p, float* new_value, float* new_m, float* new_v) {
  const float keep1 = p.beta1, take1 = p.one_minus_beta1, keep2 = p.beta2, take2 = p.one_minus_beta2;
  const float step = -p.learning_rate;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float g = grad[i];
      const float mi = m[i] * keep1 + g * take1;
      const float vi = v[i] * keep2 + (g * g) * take2;
      const float m_hat = mi / p.one_minus_acc_beta1;
      const float v_hat = vi / p.one_minus_acc_beta2;
      new_m[i] = mi;
      new_v[i] = vi;
      new_value[i] = (m_hat / (std::sqrt(v_hat) + p.epsilon)) * step + value[i];
    }
  });
}

void momentum_step(long n, const float* value, const float* grad, const float* acc, float learning_rate, float momentum, bool nesterov, float* new_value, float* new_acc) {
  const float step = -learning_rate;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float a = momentum * acc[i] + grad[i];
      new_acc[i] = a;
      new_value[i] = step * (nesterov ? grad[i] + a * momentum : a) + value[i];
    }
  });
}

void sgd_step(long n, const float* value, const float* grad, float learning_rate, float* new_value) {
  const float step = -learning_rate;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) new_value[i] = step * grad[i] + value[i];
  });
}

void rmsprop_step(long n, const float* value, const float* grad, const float* ms, const float* mom, const float* mg, const RMSPropStep& p, float* new_value, float* new_ms, float* new_mom, float* new_mg) {
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float g = grad[i];
      const float msi = ms[i] * p.decay + (g * g) * p.one_minus_decay;
      float denominator = msi;
      if (mg) {
        const float mgi = mg[i] * p.decay + g * p.one_minus_decay;
        const float variance = msi - mgi * mgi;
        denominator = variance < 0 ? 0.0f : variance;
        new_mg[i] = mgi;
      }
      const float momi = mom[i] * p.momentum + (g * p.learning_rate) / std::sqrt(denominator + p.epsilon);
      new_ms[i] = msi;
      new_mom[i] = momi;
      new_value[i] = value[i] - momi;
    }
  });
}

void adagrad_step(long n, const float* value, const float* grad, const float* acc, float learning_rate, float epsilon, float* new_value, float* new_acc) {
  const float step = -learning_rate;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float g = grad[i];
      const float a = acc[i] + g * g;
      new_acc[i] = a;
      new_value[i] = (g / std::sqrt(a + epsilon)) * step + value[i];
    }
  });
}

void adadelta_step(long n, const float* value, const float* grad, const float* acc_grad, const float* acc_update, const AdadeltaStep& p, float* new_value, float* new_acc_grad, float* new_acc_update) {
  const float step = -p.learning_rate;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float g = grad[i];
      const float update = (std::sqrt(acc_update[i] + p.epsilon) / std::sqrt(acc_grad[i] + p.epsilon)) * g;
      new_acc_grad[i] = acc_grad[i] * p.rho + (g * g) * p.one_minus_rho;
      new_acc_update[i] = acc_update[i] * p.rho + (update * update) * p.one_minus_rho;
      new_value[i] = update * step + value[i];
    }
  });
}

void adamax_step(long n, const float* value, const float* grad, const float* m, const float* u, const AdamaxStep& p, float* new_value, float* new_m, float* new_u) {
  const float step = -p.step_size;
  parallel_chunks(n, CHUNK, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float g = grad[i];
      const float mi = m[i] * p.beta1 + g * p.one_minus_beta1;
      const float ui = nan_max(u[i] * p.beta2, std::fabs(g));
      new_m[i] = mi;
      new_u[i] = ui;
      new_value[i] = step * (mi / (ui + p.epsilon)) + value[i];
    }
  });
}

}  // namespace engine
