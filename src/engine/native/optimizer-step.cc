#include "optimizer-step.h"

#include <cmath>

#include "thread-pool.h"

namespace engine {

namespace {
constexpr long CHUNK = 1 << 15;
}

void adam_step(long n, const float* value, const float* grad, const float* m, const float* v, const AdamStep& p, float* new_value, float* new_m, float* new_v) {
  // The order of tfjs's ops, each rounded to float32 as its kernels do.
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

}  // namespace engine
