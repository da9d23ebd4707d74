// Element-wise kernels: LayerNorm and softmax (GELU: gelu_backward.hpp, forward and backward together) — each with its scalar reference beside it.
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

// Softmax over n values in place; entries with key_mask[j] == 0 get probability exactly 0 (key_mask may be null).
void softmax_masked_inplace(float* x, const uint8_t* key_mask, int64_t n);

}  // namespace splicebert::kernels
