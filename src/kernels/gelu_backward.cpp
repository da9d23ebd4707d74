#include "kernels/gelu_backward.hpp"

#include <cmath>
#include <cstring>

#include "kernels/activations.hpp"

namespace splicebert::kernels {

void gelu_backward(const float* u, const float* dy, float* du, int64_t n) {
  constexpr float kInvSqrt2 = 0.70710678118654752440f, kInvSqrt2Pi = 0.39894228040143267794f;
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const float x = u[i];
    const float cdf = 0.5f * (1.0f + std::erf(x * kInvSqrt2));
    const float pdf = kInvSqrt2Pi * std::exp(-0.5f * x * x);
    du[i] = dy[i] * (cdf + x * pdf);
  }
}

void gelu_backward_reference(const float* u, const float* dy, float* du, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double x = u[i];
    const double cdf = 0.5 * (1.0 + std::erf(x / std::sqrt(2.0)));
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    du[i] = static_cast<float>(dy[i] * (cdf + x * pdf));
  }
}

void gelu_copy(const float* u, float* out, int64_t n) {
  if (out != u) std::memcpy(out, u, sizeof(float) * static_cast<size_t>(n));
  gelu_inplace(out, n);
}

}  // namespace splicebert::kernels
