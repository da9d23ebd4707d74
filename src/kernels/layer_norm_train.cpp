#include "kernels/layer_norm_train.hpp"

#include <cmath>
#include <vector>

#include "kernels/column_sum.hpp"

namespace splicebert::kernels {

void layer_norm_forward_train(const float* x, const float* residual, const float* weight, const float* bias,
                              float eps, int64_t rows, int64_t C, float* out, float* xhat, float* rstd) {
#pragma omp parallel for schedule(static) if (rows * C > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
    const float* rr = residual ? residual + r * C : nullptr;
    float* h = xhat + r * C;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < C; ++c) {
      const float v = rr ? xr[c] + rr[c] : xr[c];
      h[c] = v;
      sum += v;
    }
    const float mean = sum / static_cast<float>(C);
    float sq = 0;
#pragma omp simd reduction(+ : sq)
    for (int64_t c = 0; c < C; ++c) {
      const float d = h[c] - mean;
      sq += d * d;
    }
    const float inv = 1.0f / std::sqrt(sq / static_cast<float>(C) + eps);
    rstd[r] = inv;
    float* o = out + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) {
      h[c] = (h[c] - mean) * inv;
      o[c] = h[c] * weight[c] + bias[c];
    }
  }
}

void layer_norm_backward(const float* dy, const float* xhat, const float* rstd, const float* weight, int64_t rows,
                         int64_t C, float* dx, float* dweight, float* dbias) {
  // Parameter gradients first: dx may overwrite dy.
  column_dot_accumulate(dy, xhat, rows, C, dweight);
  column_sums_accumulate(dy, C, rows, C, dbias);
  const float inv_c = 1.0f / static_cast<float>(C);
#pragma omp parallel for schedule(static) if (rows * C > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    const float* d = dy + r * C;
    const float* h = xhat + r * C;
    float* o = dx + r * C;
    float sum_g = 0, sum_gh = 0;
#pragma omp simd reduction(+ : sum_g, sum_gh)
    for (int64_t c = 0; c < C; ++c) {
      const float g = d[c] * weight[c];
      sum_g += g;
      sum_gh += g * h[c];
    }
    const float mean_g = sum_g * inv_c, mean_gh = sum_gh * inv_c, s = rstd[r];
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) o[c] = s * (d[c] * weight[c] - mean_g - h[c] * mean_gh);
  }
}

void layer_norm_backward_reference(const float* dy, const float* xhat, const float* rstd, const float* weight,
                                   int64_t rows, int64_t C, float* dx, float* dweight, float* dbias) {
  column_dot_accumulate_reference(dy, xhat, rows, C, dweight);
  column_sums_accumulate_reference(dy, C, rows, C, dbias);
  for (int64_t r = 0; r < rows; ++r) {
    double sum_g = 0, sum_gh = 0;
    for (int64_t c = 0; c < C; ++c) {
      const double g = static_cast<double>(dy[r * C + c]) * weight[c];
      sum_g += g;
      sum_gh += g * xhat[r * C + c];
    }
    const double mean_g = sum_g / C, mean_gh = sum_gh / C;
    for (int64_t c = 0; c < C; ++c) {
      const double g = static_cast<double>(dy[r * C + c]) * weight[c];
      dx[r * C + c] = static_cast<float>(rstd[r] * (g - mean_g - xhat[r * C + c] * mean_gh));
    }
  }
}

}  // namespace splicebert::kernels
