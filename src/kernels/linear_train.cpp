#include "kernels/linear_train.hpp"

#include "kernels/column_sum.hpp"
#include "kernels/gemm_train.hpp"

namespace splicebert::kernels {

void linear_forward_plain(const float* x, int64_t M, const float* W, const float* b, int64_t N, int64_t K, float* y) {
  if (M == 0) return;
  train_gemm_nt(x, K, W, K, y, N, M, N, K);
  if (!b) return;
#pragma omp parallel for schedule(static) if (M * N > 65536)
  for (int64_t m = 0; m < M; ++m) {
#pragma omp simd
    for (int64_t n = 0; n < N; ++n) y[m * N + n] += b[n];
  }
}

void linear_backward(const float* x, const float* dy, int64_t M, const float* W, int64_t N, int64_t K, float* dW,
                     float* db, float* dx, bool accumulate_dx) {
  if (M == 0) return;
  train_gemm_tn(dy, N, x, K, dW, K, N, K, M, /*accumulate=*/true);  // [N, M]·[M, K]
  if (db) column_sums_accumulate(dy, N, M, N, db);
  if (dx) train_gemm_nn(dy, N, W, K, dx, K, M, K, N, accumulate_dx);  // [M, N]·[N, K]
}

void linear_backward_reference(const float* x, const float* dy, int64_t M, const float* W, int64_t N, int64_t K,
                               float* dW, float* db, float* dx, bool accumulate_dx) {
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k) {
      double acc = 0;
      for (int64_t m = 0; m < M; ++m) acc += static_cast<double>(dy[m * N + n]) * x[m * K + k];
      dW[n * K + k] += static_cast<float>(acc);
    }
  if (db) column_sums_accumulate_reference(dy, N, M, N, db);
  if (!dx) return;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < K; ++k) {
      double acc = accumulate_dx ? dx[m * K + k] : 0.0;
      for (int64_t n = 0; n < N; ++n) acc += static_cast<double>(dy[m * N + n]) * W[n * K + k];
      dx[m * K + k] = static_cast<float>(acc);
    }
}

}  // namespace splicebert::kernels
