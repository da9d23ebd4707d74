// Linear layers for training, on raw parameter pointers (the trainable store owns the tensors, so no packed copy):
// y[M, N] = x[M, K]·W[N, K]ᵀ + b, and its backward. M = rows (B·T), K = in features, N = out features.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

void linear_forward_plain(const float* x, int64_t M, const float* W, const float* b, int64_t N, int64_t K, float* y);

// dW[N, K] += dyᵀ·x, db[N] += Σ_rows dy (db may be null), and dx[M, K] = dy·W (or += when accumulate_dx; dx may
// be null when the input needs no gradient).
void linear_backward(const float* x, const float* dy, int64_t M, const float* W, int64_t N, int64_t K, float* dW,
                     float* db, float* dx, bool accumulate_dx = false);
void linear_backward_reference(const float* x, const float* dy, int64_t M, const float* W, int64_t N, int64_t K,
                               float* dW, float* db, float* dx, bool accumulate_dx = false);

}  // namespace splicebert::kernels
