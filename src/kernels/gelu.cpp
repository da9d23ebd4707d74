#include "kernels/gelu.hpp"

#include <cmath>

#include "kernels/fast_exp.hpp"

namespace splicebert::kernels {

namespace {

constexpr float kInvSqrt2 = 0.70710678118654752440f, kInvSqrt2Pi = 0.39894228040143267794f;

// Φ(x) = 0.5·erfc(−x/√2), erfc(z) = t·exp(−z² − 1.26551223 + t·P(t)) for z ≥ 0 with t = 1/(1 + z/2).
inline float normal_cdf(float x) {
  const float z = std::fabs(x) * kInvSqrt2;
  const float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  const float half_erfc = 0.5f * t * fast_exp(-z * z - 1.26551223f + t * p);  // 0.5·erfc(|x|/√2) = Φ(−|x|)
  return x >= 0.0f ? 1.0f - half_erfc : half_erfc;
}

inline float normal_pdf(float x) { return kInvSqrt2Pi * fast_exp(-0.5f * x * x); }

}  // namespace

void gelu_forward(const float* u, float* out, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) out[i] = u[i] * normal_cdf(u[i]);
}

void gelu_forward_serial(const float* u, float* out, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = u[i] * normal_cdf(u[i]);
}

void gelu_forward_reference(const float* u, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double x = u[i];
    out[i] = static_cast<float>(0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))));
  }
}

void gelu_backward(const float* u, const float* dy, float* du, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const float x = u[i];
    du[i] = dy[i] * (normal_cdf(x) + x * normal_pdf(x));
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

}  // namespace splicebert::kernels
