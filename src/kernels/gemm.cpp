// Backend dispatch for the linear layers, the OpenBLAS path, and the scalar reference.
#include "kernels/gemm.hpp"

#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/cpu_isa.hpp"
#include "kernels/gelu.hpp"
#include "kernels/gemm_avx2.hpp"
#include "kernels/gemm_onednn.hpp"
#include "splicebert/error.hpp"

namespace splicebert::kernels {

GemmBackend default_gemm_backend() {
  static const GemmBackend backend = [] {
    const char* env = std::getenv("SPLICEBERT_GEMM");
    if (env && std::string(env) == "openblas") return GemmBackend::OpenBLAS;
    if (env && std::string(env) == "onednn") return GemmBackend::OneDNN;
    if (env && std::string(env) == "avx2") return GemmBackend::Avx2Fma;
    if (env && *env) fail("SPLICEBERT_GEMM='", env, "' is none of 'openblas', 'onednn', 'avx2'");
    // oneDNN: measured faster on the encoder's shapes and row-independent on AVX-512 (docs/performance.md). On the
    // AVX2 path its blocking follows the row count, so rows change with the batch: our own kernel there.
    return active_isa() == Isa::Avx512 ? GemmBackend::OneDNN : GemmBackend::Avx2Fma;
  }();
  return backend;
}

std::shared_ptr<const PackedLinear> pack_linear(const Tensor& weight, GemmBackend backend, Precision precision) {
  if (backend == GemmBackend::OneDNN) return onednn_pack_linear(weight, precision);
  if (backend == GemmBackend::Avx2Fma) return avx2_pack_linear(weight, precision);
  return nullptr;
}

static void add_bias_and_epilogue(float* y, int64_t M, int64_t N, const float* bias, Epilogue epilogue) {
#pragma omp parallel for schedule(static) if (M * N > 65536)
  for (int64_t m = 0; m < M; ++m) {
    float* row = y + m * N;
    if (bias) {
#pragma omp simd
      for (int64_t n = 0; n < N; ++n) row[n] += bias[n];
    }
    if (epilogue == Epilogue::BiasGelu) gelu_forward(row, row, N);
  }
}

void linear_forward(const float* x, int64_t M, const Linear& linear, float* y, Epilogue epilogue) {
  const int64_t N = linear.out_features(), K = linear.in_features();
  if (M == 0) return;
  const float* bias = linear.bias.empty() ? nullptr : linear.bias.ptr();
  if (const auto* avx2 = dynamic_cast<const Avx2PackedLinear*>(linear.packed.get()))
    return avx2_linear_forward(x, M, *avx2, bias, y, epilogue);
  if (linear.packed && onednn_linear_forward(x, M, linear, y, epilogue)) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K),
              1.0f, x, static_cast<int>(K), linear.weight.ptr(), static_cast<int>(K), 0.0f, y, static_cast<int>(N));
  add_bias_and_epilogue(y, M, N, bias, epilogue);
}

void linear_forward_reference(const float* x, int64_t M, const Linear& linear, float* y, Epilogue epilogue) {
  const int64_t N = linear.out_features(), K = linear.in_features();
  for (int64_t m = 0; m < M; ++m) {
    for (int64_t n = 0; n < N; ++n) {
      double acc = linear.bias.empty() ? 0.0 : linear.bias.data[static_cast<size_t>(n)];
      for (int64_t k = 0; k < K; ++k) acc += static_cast<double>(x[m * K + k]) * linear.weight.data[n * K + k];
      y[m * N + n] = static_cast<float>(acc);
    }
    if (epilogue == Epilogue::BiasGelu) gelu_forward_reference(y + m * N, y + m * N, N);
  }
}

}  // namespace splicebert::kernels
