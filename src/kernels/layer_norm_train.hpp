// LayerNorm for training: the forward keeps what the backward needs (x̂ and 1/σ per row), and the backward.
// Shapes: rows = B·T, C hidden. Same math as layer_norm_rows (layer_norm.hpp): biased variance, eps from the
// config, two-pass mean / variance in float32.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// out = x̂·weight + bias with x̂ = (v − mean)·rstd, v = x (+ residual). Saves x̂ [rows, C] and rstd [rows].
// out may alias x or residual.
void layer_norm_forward_train(const float* x, const float* residual, const float* weight, const float* bias,
                              float eps, int64_t rows, int64_t C, float* out, float* xhat, float* rstd);

// From dy [rows, C]: dx [rows, C] = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·weight (dx may alias dy);
// dweight[C] += Σ dy·x̂ and dbias[C] += Σ dy (deterministic chunked sums).
void layer_norm_backward(const float* dy, const float* xhat, const float* rstd, const float* weight, int64_t rows,
                         int64_t C, float* dx, float* dweight, float* dbias);
void layer_norm_backward_reference(const float* dy, const float* xhat, const float* rstd, const float* weight,
                                   int64_t rows, int64_t C, float* dx, float* dweight, float* dbias);

}  // namespace splicebert::kernels
