// oneDNN matmul path for the linear layers: weights reordered once at load into the blocked layout the brgemm
// kernel wants; primitives created once per (rows, epilogue) and cached.
#pragma once
#include <cstdint>
#include <memory>

#include "kernels/gemm.hpp"

namespace splicebert::kernels {

std::shared_ptr<const PackedLinear> onednn_pack_linear(const Tensor& weight, Precision precision);
// Returns false if `linear.packed` is not a oneDNN packing (the caller falls back to OpenBLAS).
bool onednn_linear_forward(const float* x, int64_t M, const Linear& linear, float* y, Epilogue epilogue);

}  // namespace splicebert::kernels
