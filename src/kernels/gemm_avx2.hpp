// Our own AVX2 + FMA GEMM for the inference linear layers on the AVX2 path: y = x·Wᵀ + b [then GELU].
//
// Why not oneDNN there: its AVX2 matmul picks its blocking (and so its summation order) from the row count M, so a
// record's outputs changed in the last bits with the batch it was in. Here every output element is one sequential
// FMA chain over k = 0 … K-1, acc ← fma(x[m,k], W[n,k], acc) from acc = 0, then + b[n] (then GELU), whatever M, the
// row's position, the tile it falls in and the thread count: rows are independent of each other bit for bit.
// K is blocked only to keep panels in cache; the accumulator then travels through y unchanged (a float stored and
// reloaded is exact), so the chain and its order are the same (K is never split into partial sums).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/gemm.hpp"
#include "splicebert/precision.hpp"

namespace splicebert::kernels {

// W [N, K] in panels of kAvx2PanelWidth output columns: panel p holds W[16p + j, k] at [p][k][j], zeros past N.
// With Precision::BF16, W is rounded to bfloat16 once here and x is rounded on every call, so each product is the
// exact product of two bf16 values and the sums run in float32: what a bf16 GEMM with float32 accumulation computes.
constexpr int64_t kAvx2PanelWidth = 16;
struct Avx2PackedLinear final : PackedLinear {
  int64_t N = 0, K = 0;
  bool round_inputs_to_bf16 = false;
  std::vector<float> panels;  // [ceil(N / 16), K, 16]
};

std::shared_ptr<const Avx2PackedLinear> avx2_pack_linear(const Tensor& weight, Precision precision);

// y[M, N] = epilogue(x[M, K]·Wᵀ + bias); bias may be null (no bias). OpenMP over column panels × row blocks.
void avx2_linear_forward(const float* x, int64_t M, const Avx2PackedLinear& packed, const float* bias, float* y,
                         Epilogue epilogue);
// The scalar reference: the same FMA chain with std::fma in the same order, + bias (the fast kernel must equal it bit
// for bit), then the double-precision GELU reference (the fast GELU is within its documented error of it).
void avx2_linear_forward_reference(const float* x, int64_t M, const Avx2PackedLinear& packed, const float* bias,
                                   float* y, Epilogue epilogue);

// Round-to-nearest-even to bfloat16, returned as the float it represents (NaN and infinities kept).
float round_to_bf16(float value);

}  // namespace splicebert::kernels
