#include "kernels/layer_norm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace splicebert::kernels {

void layer_norm_rows_reference(const float* x, const float* residual, const float* weight, const float* bias,
                               float eps, int64_t rows, int64_t C, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t c = 0; c < C; ++c) mean += x[r * C + c] + (residual ? residual[r * C + c] : 0.0f);
    mean /= static_cast<double>(C);
    for (int64_t c = 0; c < C; ++c) {
      double d = x[r * C + c] + (residual ? residual[r * C + c] : 0.0f) - mean;
      var += d * d;
    }
    var /= static_cast<double>(C);
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t c = 0; c < C; ++c) {
      double v = x[r * C + c] + (residual ? residual[r * C + c] : 0.0f);
      out[r * C + c] = static_cast<float>((v - mean) * inv * weight[c] + bias[c]);
    }
  }
}

void layer_norm_rows(const float* x, const float* residual, const float* weight, const float* bias, float eps,
                     int64_t rows, int64_t C, float* out) {
#pragma omp parallel for schedule(static) if (rows * C > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
    const float* rr = residual ? residual + r * C : nullptr;
    float* o = out + r * C;
    // Sum first (x + residual written to the output row), then a second pass for the variance: the one-pass
    // E[x²] − E[x]² form loses digits when |mean| ≫ std.
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < C; ++c) {
      float v = rr ? xr[c] + rr[c] : xr[c];
      o[c] = v;
      sum += v;
    }
    const float mean = sum / static_cast<float>(C);
    float sq = 0;
#pragma omp simd reduction(+ : sq)
    for (int64_t c = 0; c < C; ++c) {
      float d = o[c] - mean;
      sq += d * d;
    }
    const float inv = 1.0f / std::sqrt(sq / static_cast<float>(C) + eps);
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) o[c] = (o[c] - mean) * inv * weight[c] + bias[c];
  }
}

}  // namespace splicebert::kernels
