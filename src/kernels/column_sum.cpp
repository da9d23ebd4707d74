#include "kernels/column_sum.hpp"

#include <algorithm>
#include <vector>

namespace splicebert::kernels {

namespace {
constexpr int64_t kChunkRows = 128;

// Sums chunk by chunk; `term(r, c)` gives one element. Chunks run in parallel, their sums are added in chunk order.
template <class Term>
void chunked_column_sums(int64_t rows, int64_t C, float* out, Term term) {
  const int64_t chunks = (rows + kChunkRows - 1) / kChunkRows;
  if (chunks == 0) return;
  std::vector<float> partial(static_cast<size_t>(chunks * C), 0.0f);
#pragma omp parallel for schedule(static) if (rows * C > 65536)
  for (int64_t k = 0; k < chunks; ++k) {
    float* p = partial.data() + k * C;
    const int64_t end = std::min(rows, (k + 1) * kChunkRows);
    for (int64_t r = k * kChunkRows; r < end; ++r) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) p[c] += term(r, c);
    }
  }
  for (int64_t k = 0; k < chunks; ++k) {
    const float* p = partial.data() + k * C;
    for (int64_t c = 0; c < C; ++c) out[c] += p[c];
  }
}
}  // namespace

void column_sums_accumulate(const float* a, int64_t lda, int64_t rows, int64_t C, float* out) {
  chunked_column_sums(rows, C, out, [=](int64_t r, int64_t c) { return a[r * lda + c]; });
}

void column_dot_accumulate(const float* a, const float* b, int64_t rows, int64_t C, float* out) {
  chunked_column_sums(rows, C, out, [=](int64_t r, int64_t c) { return a[r * C + c] * b[r * C + c]; });
}

void column_sums_accumulate_reference(const float* a, int64_t lda, int64_t rows, int64_t C, float* out) {
  for (int64_t c = 0; c < C; ++c) {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r) sum += a[r * lda + c];
    out[c] += static_cast<float>(sum);
  }
}

void column_dot_accumulate_reference(const float* a, const float* b, int64_t rows, int64_t C, float* out) {
  for (int64_t c = 0; c < C; ++c) {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r) sum += static_cast<double>(a[r * C + c]) * b[r * C + c];
    out[c] += static_cast<float>(sum);
  }
}

}  // namespace splicebert::kernels
