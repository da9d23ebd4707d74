// Backward kernels against their scalar references (double precision, materialised attention), including padded
// keys and attention dropout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <vector>

#include "kernels/attention_train.hpp"
#include "kernels/column_sum.hpp"
#include "kernels/dropout.hpp"
#include "kernels/gelu.hpp"
#include "kernels/gemm_train.hpp"
#include "kernels/layer_norm_train.hpp"
#include "kernels/linear_train.hpp"
#include "test_util.hpp"

namespace splicebert::kernels {
namespace {

std::vector<float> random_vector(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  return test::max_abs_diff(a.data(), b.data(), a.size());
}

TEST(TrainKernels, LayerNormBackwardMatchesReference) {
  const int64_t rows = 300, C = 48;
  auto x = random_vector(rows * C, 1, 2.0f), res = random_vector(rows * C, 2), w = random_vector(C, 3),
       b = random_vector(C, 4), dy = random_vector(rows * C, 5);
  std::vector<float> out(rows * C), xhat(rows * C), rstd(rows), expected_out(rows * C);
  layer_norm_forward_train(x.data(), res.data(), w.data(), b.data(), 1e-12f, rows, C, out.data(), xhat.data(),
                           rstd.data());
  for (int64_t i = 0; i < rows * C; ++i) x[i] += res[i];  // reference on the summed input
  std::vector<float> dx(rows * C), dx_ref(rows * C), dw(C, 0.5f), db(C, 0.25f), dw_ref(dw), db_ref(db);
  layer_norm_backward(dy.data(), xhat.data(), rstd.data(), w.data(), rows, C, dx.data(), dw.data(), db.data());
  layer_norm_backward_reference(dy.data(), xhat.data(), rstd.data(), w.data(), rows, C, dx_ref.data(),
                                dw_ref.data(), db_ref.data());
  EXPECT_LT(max_diff(dx, dx_ref), 2e-5);
  EXPECT_LT(max_diff(dw, dw_ref), 2e-4);
  EXPECT_LT(max_diff(db, db_ref), 2e-4);
}

TEST(TrainKernels, GeluForwardAndBackwardMatchReference) {
  // A dense sweep of [-12, 12] plus random points: the vectorised Φ must hold float accuracy everywhere, including
  // the negative tail where 0.5·(1 + erf) would cancel.
  std::vector<float> u = random_vector(5000, 6, 3.0f);
  for (int i = -12000; i <= 12000; ++i) u.push_back(i * 1e-3f);
  const int64_t n = static_cast<int64_t>(u.size());
  auto dy = random_vector(u.size(), 7);
  std::vector<float> y(u.size()), y_ref(u.size()), du(u.size()), du_ref(u.size());
  gelu_forward(u.data(), y.data(), n);
  gelu_forward_reference(u.data(), y_ref.data(), n);
  gelu_backward(u.data(), dy.data(), du.data(), n);
  gelu_backward_reference(u.data(), dy.data(), du_ref.data(), n);
  double worst_forward = 0, worst_backward = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    // error relative to the value's scale (|u| for the forward, |dy| for the backward), with a floor at 1
    worst_forward = std::max<double>(worst_forward, std::fabs(y[i] - y_ref[i]) / std::max(1.0f, std::fabs(u[i])));
    worst_backward = std::max<double>(worst_backward, std::fabs(du[i] - du_ref[i]) / std::max(1.0f, std::fabs(dy[i])));
  }
  EXPECT_LT(worst_forward, 5e-7);
  EXPECT_LT(worst_backward, 1e-6);
  std::cout << "GELU vs double reference: forward " << worst_forward << ", backward " << worst_backward << "\n";
}

TEST(TrainKernels, LinearBackwardMatchesReference) {
  const int64_t M = 70, N = 24, K = 40;
  auto x = random_vector(M * K, 8), dy = random_vector(M * N, 9), W = random_vector(N * K, 10);
  std::vector<float> dW(N * K, 1.0f), db(N, 1.0f), dx = random_vector(M * K, 11);
  auto dW_ref = dW, db_ref = db, dx_ref = dx;
  linear_backward(x.data(), dy.data(), M, W.data(), N, K, dW.data(), db.data(), dx.data(), true);
  linear_backward_reference(x.data(), dy.data(), M, W.data(), N, K, dW_ref.data(), db_ref.data(), dx_ref.data(), true);
  EXPECT_LT(max_diff(dW, dW_ref), 1e-4);
  EXPECT_LT(max_diff(db, db_ref), 1e-4);
  EXPECT_LT(max_diff(dx, dx_ref), 1e-4);
}

// bfloat16 rounding written out here: nearest, ties to even (finite values).
double bf16_rounded(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint32_t lower = bits & 0xFFFFu, upper = bits >> 16;
  uint32_t rounded = upper + (lower > 0x8000u || (lower == 0x8000u && (upper & 1u)) ? 1u : 0u);
  rounded <<= 16;
  float out;
  std::memcpy(&out, &rounded, sizeof out);
  return out;
}

TEST(TrainKernels, Bf16GemmIsTheProductOfRoundedOperandsInEveryLayout) {
  const int64_t M = 37, N = 29, K = 45;
  const auto A = random_vector(static_cast<size_t>(M * K), 31), B = random_vector(static_cast<size_t>(K * N), 32);
  const auto C0 = random_vector(static_cast<size_t>(M * N), 33);
  for (bool transpose_a : {false, true})
    for (bool transpose_b : {false, true})
      for (bool accumulate : {false, true}) {
        // Stored layouts: A as [M, K] or [K, M], B as [K, N] or [N, K], row-major.
        auto a_at = [&](int64_t i, int64_t k) { return transpose_a ? A[k * M + i] : A[i * K + k]; };
        auto b_at = [&](int64_t k, int64_t j) { return transpose_b ? B[j * K + k] : B[k * N + j]; };
        std::vector<float> f32 = C0, bf16 = C0;
        set_train_gemm_bf16(false);
        train_gemm(transpose_a, transpose_b, M, N, K, A.data(), transpose_a ? M : K, B.data(), transpose_b ? K : N,
                   f32.data(), N, accumulate);
        set_train_gemm_bf16(true);
        EXPECT_TRUE(train_gemm_bf16());
        train_gemm(transpose_a, transpose_b, M, N, K, A.data(), transpose_a ? M : K, B.data(), transpose_b ? K : N,
                   bf16.data(), N, accumulate);
        set_train_gemm_bf16(false);
        double worst_rounded = 0, worst_exact = 0;
        for (int64_t i = 0; i < M; ++i)
          for (int64_t j = 0; j < N; ++j) {
            double rounded = accumulate ? C0[i * N + j] : 0.0, exact = rounded;
            for (int64_t k = 0; k < K; ++k) {
              rounded += bf16_rounded(a_at(i, k)) * bf16_rounded(b_at(k, j));
              exact += static_cast<double>(a_at(i, k)) * b_at(k, j);
            }
            worst_rounded = std::max(worst_rounded, std::abs(bf16[i * N + j] - rounded));
            worst_exact = std::max(worst_exact, std::abs(f32[i * N + j] - exact));
          }
        EXPECT_LT(worst_rounded, 1e-4) << transpose_a << transpose_b << accumulate;  // float32 accumulation only
        EXPECT_LT(worst_exact, 1e-4) << transpose_a << transpose_b << accumulate;
        EXPECT_GT(max_diff(bf16, f32), 1e-3) << "bf16 and f32 results should differ by the operand rounding";
      }
}

TEST(TrainKernels, DropoutKeepsAboutOneMinusP) {
  const float p = 0.1f;
  std::vector<float> x(100000, 1.0f);
  dropout_row(x.data(), static_cast<int64_t>(x.size()), 12345u, p);
  int64_t kept = 0;
  for (float v : x) kept += v != 0.0f;
  EXPECT_NEAR(static_cast<double>(kept) / x.size(), 0.9, 0.005);
  std::vector<float> y(100000, 1.0f);
  dropout_row_reference(y.data(), static_cast<int64_t>(y.size()), 12345u, p);
  EXPECT_EQ(x, y);
}

class AttentionBackward : public ::testing::TestWithParam<float> {};

TEST_P(AttentionBackward, MatchesReference) {
  // T > 64 spans two query blocks; row 1 is padded after 50 tokens.
  const AttentionShape shape{2, 90, 3, 8};
  const int64_t n = shape.B * shape.T * shape.C();
  auto Q = random_vector(n, 12), K = random_vector(n, 13), V = random_vector(n, 14), dC = random_vector(n, 15);
  std::vector<uint8_t> mask(shape.B * shape.T, 1);
  for (int64_t t = 50; t < shape.T; ++t) mask[shape.T + t] = 0;
  const std::vector<uint64_t> keys = {7, 11};
  const AttentionDropout dropout{GetParam(), 99, keys.data()};

  std::vector<float> context(n), ctx_ref(n), row_max(shape.B * shape.NH * shape.T), row_inv(row_max.size());
  std::vector<float> scratch;
  attention_forward_train(shape, Q.data(), K.data(), V.data(), mask.data(), dropout, context.data(), row_max.data(),
                          row_inv.data(), scratch);
  attention_forward_train_reference(shape, Q.data(), K.data(), V.data(), mask.data(), dropout, ctx_ref.data());
  EXPECT_LT(max_diff(context, ctx_ref), 2e-5);

  std::vector<float> dQ(n), dK(n), dV(n), dQ_ref(n), dK_ref(n), dV_ref(n);
  attention_backward(shape, Q.data(), K.data(), V.data(), mask.data(), dropout, row_max.data(), row_inv.data(),
                     dC.data(), dQ.data(), dK.data(), dV.data(), scratch);
  attention_backward_reference(shape, Q.data(), K.data(), V.data(), mask.data(), dropout, dC.data(), dQ_ref.data(),
                               dK_ref.data(), dV_ref.data());
  EXPECT_LT(max_diff(dQ, dQ_ref), 5e-5);
  EXPECT_LT(max_diff(dK, dK_ref), 5e-5);
  EXPECT_LT(max_diff(dV, dV_ref), 5e-5);
  // Padded keys receive exactly nothing.
  for (int64_t t = 50; t < shape.T; ++t)
    for (int64_t c = 0; c < shape.C(); ++c) {
      ASSERT_EQ(dK[(shape.T + t) * shape.C() + c], 0.0f);
      ASSERT_EQ(dV[(shape.T + t) * shape.C() + c], 0.0f);
    }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutDropout, AttentionBackward, ::testing::Values(0.0f, 0.1f, 0.5f));

}  // namespace
}  // namespace splicebert::kernels
