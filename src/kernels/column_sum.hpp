// Deterministic column sums for bias and LayerNorm gradients: rows are cut into fixed chunks (independent of the
// thread count), each chunk is summed on its own and the chunk sums are added in order, so a run gives bit-identical
// gradients whatever the OpenMP schedule does.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// out[c] += Σ_r a[r, c] over `rows` rows of C values (row stride lda).
void column_sums_accumulate(const float* a, int64_t lda, int64_t rows, int64_t C, float* out);
void column_sums_accumulate_reference(const float* a, int64_t lda, int64_t rows, int64_t C, float* out);

// out[c] += Σ_r a[r, c] · b[r, c] (LayerNorm weight gradient: Σ dy·x̂).
void column_dot_accumulate(const float* a, const float* b, int64_t rows, int64_t C, float* out);
void column_dot_accumulate_reference(const float* a, const float* b, int64_t rows, int64_t C, float* out);

}  // namespace splicebert::kernels
