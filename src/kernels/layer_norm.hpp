// LayerNorm over rows (inference and training forward), the fast loop beside its scalar reference.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// Each of `rows` rows of C values: out = (x - mean) / sqrt(var + eps) · weight + bias, biased variance, computed
// in double-free float32 with a two-pass mean/variance for accuracy. If `residual` is non-null, x + residual is
// normalised (post-LN BERT: LN(x + sublayer(x))). out may alias x.
void layer_norm_rows(const float* x, const float* residual, const float* weight, const float* bias, float eps,
                     int64_t rows, int64_t C, float* out);
void layer_norm_rows_reference(const float* x, const float* residual, const float* weight, const float* bias,
                               float eps, int64_t rows, int64_t C, float* out);

}  // namespace splicebert::kernels
