// The inference forward's kernels against their scalar double-precision references on shapes that stress the edges
// (rows T = 1, 2, 63, 65, 1026; widths not multiples of the vector length): the linear layers of every GEMM backend
// with both epilogues, LayerNorm with and without the residual, GELU (parallel and serial loops). The attention
// kernels have their own file (attention_kernels_test.cpp), the AVX2 GEMM's bit-level properties too
// (gemm_avx2_test.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/gelu.hpp"
#include "kernels/gemm.hpp"
#include "kernels/layer_norm.hpp"

namespace splicebert::kernels {
namespace {

const std::vector<int64_t> kRowCounts = {1, 2, 63, 65, 1026};

std::vector<float> random_values(size_t n, uint32_t seed, float mean = 0.0f, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(mean, scale);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

const char* backend_name(GemmBackend backend) {
  return backend == GemmBackend::OpenBLAS ? "openblas" : backend == GemmBackend::OneDNN ? "onednn" : "avx2";
}

TEST(InferenceKernels, LinearLayersOfEveryBackendMatchTheReferenceWithBothEpilogues) {
  struct Width {
    int64_t N, K;
  };
  for (const GemmBackend backend : {GemmBackend::OneDNN, GemmBackend::Avx2Fma, GemmBackend::OpenBLAS})
    for (const Width w : {Width{48, 48}, Width{50, 45}, Width{17, 300}, Width{130, 63}})
      for (const int64_t M : kRowCounts)
        for (const Epilogue epilogue : {Epilogue::Bias, Epilogue::BiasGelu}) {
          SCOPED_TRACE(std::string(backend_name(backend)) + " M " + std::to_string(M) + " N " + std::to_string(w.N) +
                       " K " + std::to_string(w.K) + (epilogue == Epilogue::BiasGelu ? " gelu" : ""));
          Linear linear;
          linear.weight = Tensor({w.N, w.K}, random_values(static_cast<size_t>(w.N * w.K), 3, 0.0f, 0.2f));
          linear.bias = Tensor({w.N}, random_values(static_cast<size_t>(w.N), 5));
          linear.packed = pack_linear(linear.weight, backend, Precision::F32);
          const auto x = random_values(static_cast<size_t>(M * w.K), 7);
          std::vector<float> y(static_cast<size_t>(M * w.N), -7.0f), expected(y.size());
          linear_forward(x.data(), M, linear, y.data(), epilogue);
          linear_forward_reference(x.data(), M, linear, expected.data(), epilogue);
          double worst = 0;
          for (int64_t m = 0; m < M; ++m)
            for (int64_t n = 0; n < w.N; ++n) {
              double magnitude = std::abs(linear.bias.data[n]);
              for (int64_t k = 0; k < w.K; ++k) magnitude += std::abs(double(x[m * w.K + k]) * linear.weight.data[n * w.K + k]);
              // Float summation in any order: |error| ≤ (K + 1)·u·Σ|terms|; GELU is 1-Lipschitz up to 1.13 and its
              // fast form adds < 5e-7·max(1, |u|) (gelu.hpp).
              const double bound = 1.13 * double(w.K + 2) * 0x1p-24 * magnitude + 5e-7 * std::max(1.0, magnitude);
              const size_t i = static_cast<size_t>(m * w.N + n);
              worst = std::max(worst, std::abs(double(y[i]) - expected[i]) / bound);
            }
          EXPECT_LE(worst, 1.0);  // in units of each element's bound
        }
}

TEST(InferenceKernels, LayerNormMatchesTheReferenceWithAndWithoutResidual) {
  for (const int64_t C : {8, 45, 63, 512})
    for (const int64_t rows : kRowCounts)
      for (const bool with_residual : {false, true}) {
        SCOPED_TRACE("rows " + std::to_string(rows) + " C " + std::to_string(C) + (with_residual ? " residual" : ""));
        const size_t n = static_cast<size_t>(rows * C);
        const auto x = random_values(n, 11, 3.0f, 2.0f);  // rows with a mean far from 0, as residual streams have
        const auto residual = random_values(n, 13);
        const auto weight = random_values(static_cast<size_t>(C), 17, 1.0f, 0.2f);
        const auto bias = random_values(static_cast<size_t>(C), 19, 0.0f, 0.2f);
        const float* r = with_residual ? residual.data() : nullptr;
        std::vector<float> y(n), expected(n), in_place = x;
        layer_norm_rows(x.data(), r, weight.data(), bias.data(), 1e-12f, rows, C, y.data());
        layer_norm_rows_reference(x.data(), r, weight.data(), bias.data(), 1e-12f, rows, C, expected.data());
        layer_norm_rows(in_place.data(), r, weight.data(), bias.data(), 1e-12f, rows, C, in_place.data());
        double worst = 0;
        for (size_t i = 0; i < n; ++i) {
          worst = std::max(worst, std::abs(double(y[i]) - expected[i]));
          ASSERT_EQ(in_place[i], y[i]) << "out aliasing x changes the result at " << i;
        }
        // Float32 two-pass mean and variance of ≤ 512 values of mean ~3: normalised values (|v| ≲ 5, ×|weight|
        // ≲ 2) carry a relative error of a few 1e-7 from the float mean; 2e-5 leaves a wide margin.
        EXPECT_LT(worst, 2e-5);
      }
}

TEST(InferenceKernels, GeluMatchesTheReferenceOnEdgeLengthsInBothLoops) {
  for (const int64_t n : kRowCounts) {
    SCOPED_TRACE("n " + std::to_string(n));
    auto u = random_values(static_cast<size_t>(n), 23, 0.0f, 4.0f);
    const float extremes[] = {0.0f, -0.0f, -30.0f, 30.0f, -9.5f, 1e-30f};
    for (size_t i = 0; i < std::size(extremes) && i < u.size(); ++i) u[i * u.size() / std::size(extremes)] = extremes[i];
    std::vector<float> parallel(u.size()), serial(u.size()), expected(u.size());
    gelu_forward(u.data(), parallel.data(), n);
    gelu_forward_serial(u.data(), serial.data(), n);
    gelu_forward_reference(u.data(), expected.data(), n);
    for (size_t i = 0; i < u.size(); ++i) {
      const double scale = std::max(1.0f, std::abs(u[i]));
      EXPECT_LT(std::abs(parallel[i] - expected[i]) / scale, 5e-7) << "u = " << u[i];
      EXPECT_LT(std::abs(serial[i] - expected[i]) / scale, 5e-7) << "u = " << u[i];
    }
  }
}

}  // namespace
}  // namespace splicebert::kernels
