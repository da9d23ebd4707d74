#include "train/hidden_dropout.hpp"

#include <cstddef>

#include "kernels/dropout.hpp"

namespace splicebert::train::detail {

uint64_t site_key(uint64_t step_key, int layer, Site site) {
  return kernels::dropout_key(step_key, 1 + static_cast<uint64_t>(layer) * 3 + static_cast<uint64_t>(site));
}

uint64_t embedding_site_key(uint64_t step_key) { return kernels::dropout_key(step_key, 0); }

void HiddenDropout::apply(float* x, int64_t rows, int64_t C) const {
  if (!(p > 0.0f)) return;
#pragma omp parallel for schedule(static) if (rows * C > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const uint64_t key = kernels::dropout_key(site_key, (*sequence_keys)[static_cast<std::size_t>(r / T)],
                                              static_cast<uint64_t>(r % T));
    kernels::dropout_row(x + r * C, C, kernels::dropout_row_seed(key), p);
  }
}

}  // namespace splicebert::train::detail
