// Pieces both inference attention kernels share: where a row's real keys end, and the transposed key panel.
// Defined in attention_panel.cpp, compiled for the baseline ISA: an inline definition here would be compiled once
// with the AVX-512 flags of attention_fused.cpp, and the linker could hand that copy to the AVX2 path.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// static: each file keeps its own copy, so no AVX-512-compiled copy is ever shared with the baseline path.
static constexpr int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Real tokens of a right-padded row end after the last 1 in the mask (any mask pattern stays correct: masked keys
// inside the range still get probability 0).
int64_t real_extent(const uint8_t* mask, int64_t T);

// kt[d, j] = K[j, d] for j < keys, 0 up to the panel width (a [HD, panel] panel; K rows are ldk apart).
void pack_keys(const float* k, int64_t ldk, int64_t keys, int64_t HD, int64_t panel, float* kt);

}  // namespace splicebert::kernels
