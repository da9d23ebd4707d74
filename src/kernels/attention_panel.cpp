#include "kernels/attention_panel.hpp"

#include <algorithm>

namespace splicebert::kernels {

int64_t real_extent(const uint8_t* mask, int64_t T) {
  if (!mask) return T;
  int64_t end = T;
  while (end > 0 && !mask[end - 1]) --end;
  return end;
}

void pack_keys(const float* k, int64_t ldk, int64_t keys, int64_t HD, int64_t panel, float* kt) {
  for (int64_t d = 0; d < HD; ++d) {
    float* row = kt + d * panel;
    for (int64_t j = 0; j < keys; ++j) row[j] = k[j * ldk + d];
    std::fill(row + keys, row + panel, 0.0f);
  }
}

}  // namespace splicebert::kernels
