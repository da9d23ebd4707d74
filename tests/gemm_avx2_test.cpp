// The AVX2 path's GEMM (src/kernels/gemm_avx2.hpp) against its scalar reference, bit for bit, on shapes that stress
// the edges (M = 1, 2, 63, 65, 1026: whole and partial 6-row tiles and 96-row tasks; N and K not multiples of 8 or
// 16; K across the 256-deep passes), and the property it exists for: a row's outputs do not depend on the other rows
// of the call, its position among them, or the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/gemm.hpp"
#include "kernels/gemm_avx2.hpp"

namespace splicebert::kernels {
namespace {

std::vector<float> random_values(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

Tensor random_weight(int64_t N, int64_t K, uint32_t seed) {
  return Tensor({N, K}, random_values(static_cast<size_t>(N * K), seed, 0.1f));
}

bool same_bits(const float* a, const float* b, size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

struct Shape3 {
  int64_t M, N, K;
};

const std::vector<Shape3> kEdgeShapes = {
    {1, 1, 1},     {1, 16, 16},  {2, 7, 5},     {63, 17, 33},  {65, 48, 200}, {1026, 50, 300},
    {2, 100, 513}, {65, 3, 1},   {63, 33, 256}, {1026, 16, 64}, {7, 31, 257},
};

TEST(Avx2Gemm, EqualsTheScalarFmaChainBitForBitOnEdgeShapes) {
  for (const auto& s : kEdgeShapes)
    for (const Precision precision : {Precision::F32, Precision::BF16})
      for (const bool with_bias : {true, false}) {
        SCOPED_TRACE("M " + std::to_string(s.M) + " N " + std::to_string(s.N) + " K " + std::to_string(s.K) +
                     (precision == Precision::BF16 ? " bf16" : " f32") + (with_bias ? " bias" : " no bias"));
        const auto packed = avx2_pack_linear(random_weight(s.N, s.K, 7), precision);
        const auto x = random_values(static_cast<size_t>(s.M * s.K), 11);
        const auto bias = random_values(static_cast<size_t>(s.N), 13);
        const float* b = with_bias ? bias.data() : nullptr;
        std::vector<float> y(static_cast<size_t>(s.M * s.N), -7.0f), expected(y.size());
        avx2_linear_forward(x.data(), s.M, *packed, b, y.data(), Epilogue::Bias);
        avx2_linear_forward_reference(x.data(), s.M, *packed, b, expected.data(), Epilogue::Bias);
        EXPECT_TRUE(same_bits(y.data(), expected.data(), y.size()));
      }
}

TEST(Avx2Gemm, GeluEpilogueIsWithinTheGeluErrorOfTheReference) {
  for (const auto& s : kEdgeShapes) {
    SCOPED_TRACE("M " + std::to_string(s.M) + " N " + std::to_string(s.N) + " K " + std::to_string(s.K));
    const auto packed = avx2_pack_linear(random_weight(s.N, s.K, 17), Precision::F32);
    const auto x = random_values(static_cast<size_t>(s.M * s.K), 19, 3.0f);  // pre-activations across [-5, 5]
    const auto bias = random_values(static_cast<size_t>(s.N), 23);
    std::vector<float> y(static_cast<size_t>(s.M * s.N)), expected(y.size());
    avx2_linear_forward(x.data(), s.M, *packed, bias.data(), y.data(), Epilogue::BiasGelu);
    avx2_linear_forward_reference(x.data(), s.M, *packed, bias.data(), expected.data(), Epilogue::BiasGelu);
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i)
      worst = std::max(worst, std::abs(double(y[i]) - expected[i]) / std::max(1.0, std::abs(double(expected[i]))));
    // Same pre-activation bits; the fast GELU's Φ has relative error < 1.2e-7 plus its exp's 2 ulp (gelu.hpp).
    EXPECT_LT(worst, 1e-6);
  }
}

TEST(Avx2Gemm, ReferenceIsTheProductInDoublePrecisionWithinFloatRounding) {
  // Checks the reference itself against an independent formula: Σ x·w in double, + b.
  const int64_t M = 65, N = 50, K = 300;
  const Tensor w = random_weight(N, K, 29);
  const auto packed = avx2_pack_linear(w, Precision::F32);
  const auto x = random_values(static_cast<size_t>(M * K), 31);
  const auto bias = random_values(static_cast<size_t>(N), 37);
  std::vector<float> y(static_cast<size_t>(M * N));
  avx2_linear_forward_reference(x.data(), M, *packed, bias.data(), y.data(), Epilogue::Bias);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double sum = bias[n], magnitude = std::abs(bias[n]);
      for (int64_t k = 0; k < K; ++k) {
        sum += double(x[m * K + k]) * w.data[n * K + k];
        magnitude += std::abs(double(x[m * K + k]) * w.data[n * K + k]);
      }
      // The classic bound of recursive float summation: |error| ≤ (K + 1)·u·Σ|terms|, u = 2^-24.
      ASSERT_NEAR(y[m * N + n], sum, double(K + 2) * 0x1p-24 * magnitude) << m << ", " << n;
    }
}

TEST(Avx2Gemm, Bf16RoundsBothOperandsToNearestEven) {
  EXPECT_EQ(round_to_bf16(1.0f), 1.0f);
  EXPECT_EQ(round_to_bf16(1.0f + 0x1p-8f), 1.0f);                  // halfway, ties to the even 1.0
  EXPECT_EQ(round_to_bf16(1.0f + 3 * 0x1p-8f), 1.0f + 0x1p-6f);    // halfway, ties to the even 1 + 2^-6
  EXPECT_EQ(round_to_bf16(1.0f + 0x1p-8f + 0x1p-20f), 1.0f + 0x1p-7f);  // above halfway
  EXPECT_EQ(round_to_bf16(-2.5f), -2.5f);
  EXPECT_TRUE(std::isnan(round_to_bf16(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(round_to_bf16(std::numeric_limits<float>::infinity()), std::numeric_limits<float>::infinity());
  // A product of bf16-rounded operands, summed in double: the bf16 GEMM is that within float32 accumulation error.
  const int64_t M = 3, N = 5, K = 40;
  const Tensor w = random_weight(N, K, 41);
  const auto packed = avx2_pack_linear(w, Precision::BF16);
  const auto x = random_values(static_cast<size_t>(M * K), 43);
  std::vector<float> y(static_cast<size_t>(M * N));
  avx2_linear_forward(x.data(), M, *packed, nullptr, y.data(), Epilogue::Bias);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double sum = 0, plain = 0;
      for (int64_t k = 0; k < K; ++k) {
        sum += double(round_to_bf16(x[m * K + k])) * round_to_bf16(w.data[n * K + k]);
        plain += double(x[m * K + k]) * w.data[n * K + k];
      }
      EXPECT_NEAR(y[m * N + n], sum, 1e-6);
      EXPECT_GT(std::abs(sum - plain), 1e-7);  // the rounding is really there (else this test checks nothing)
    }
}

// One row of a 1000-row call, computed alone, at another position in a short call, and at 1 and 2 threads.
TEST(Avx2Gemm, RowsAreBitIdenticalWhateverTheBatchPositionAndThreads) {
  const int64_t M = 1000, N = 100, K = 600;
  for (const Precision precision : {Precision::F32, Precision::BF16})
    for (const Epilogue epilogue : {Epilogue::Bias, Epilogue::BiasGelu}) {
      const auto packed = avx2_pack_linear(random_weight(N, K, 47), precision);
      const auto x = random_values(static_cast<size_t>(M * K), 53);
      const auto bias = random_values(static_cast<size_t>(N), 59);
      const int threads_before = omp_get_max_threads();
      std::vector<float> all_1(static_cast<size_t>(M * N)), all_2(all_1.size());
      omp_set_num_threads(1);
      avx2_linear_forward(x.data(), M, *packed, bias.data(), all_1.data(), epilogue);
      omp_set_num_threads(2);
      avx2_linear_forward(x.data(), M, *packed, bias.data(), all_2.data(), epilogue);
      omp_set_num_threads(threads_before);
      EXPECT_TRUE(same_bits(all_1.data(), all_2.data(), all_1.size()));
      for (const int64_t row : {0, 1, 5, 6, 7, 95, 96, 97, 500, 998, 999}) {
        SCOPED_TRACE("row " + std::to_string(row));
        std::vector<float> alone(static_cast<size_t>(N));
        avx2_linear_forward(x.data() + row * K, 1, *packed, bias.data(), alone.data(), epilogue);
        EXPECT_TRUE(same_bits(alone.data(), all_1.data() + row * N, static_cast<size_t>(N)));
        // The same row third in a call of 65 rows whose other rows are other data.
        std::vector<float> batch = random_values(static_cast<size_t>(65 * K), static_cast<uint32_t>(row) + 61);
        std::copy(x.begin() + row * K, x.begin() + (row + 1) * K, batch.begin() + 2 * K);
        std::vector<float> out(static_cast<size_t>(65 * N));
        avx2_linear_forward(batch.data(), 65, *packed, bias.data(), out.data(), epilogue);
        EXPECT_TRUE(same_bits(out.data() + 2 * N, all_1.data() + row * N, static_cast<size_t>(N)));
      }
    }
}

TEST(Avx2Gemm, LinearForwardDispatchesToItWhenPackedForIt) {
  Linear linear;
  linear.weight = random_weight(20, 30, 67);
  linear.bias = Tensor({20}, random_values(20, 71));
  linear.packed = pack_linear(linear.weight, GemmBackend::Avx2Fma, Precision::F32);
  const auto x = random_values(4 * 30, 73);
  std::vector<float> y(4 * 20), expected(y.size());
  linear_forward(x.data(), 4, linear, y.data());
  avx2_linear_forward_reference(x.data(), 4, dynamic_cast<const Avx2PackedLinear&>(*linear.packed),
                                linear.bias.ptr(), expected.data(), Epilogue::Bias);
  EXPECT_TRUE(same_bits(y.data(), expected.data(), y.size()));
}

}  // namespace
}  // namespace splicebert::kernels
