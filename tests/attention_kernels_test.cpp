// The inference attention kernels (fused AVX-512, portable) against the scalar double-precision reference on shapes
// that stress the edges: T = 1, 2, 63, 65, 1026, right padding, a row with no real key, head sizes 8–64 (and odd
// ones for the portable kernel), with and without attention maps.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/attention.hpp"
#include "kernels/attention_fused.hpp"
#include "kernels/attention_portable.hpp"
#include "kernels/cpu_isa.hpp"

namespace splicebert::kernels {
namespace {

struct Case {
  int64_t B, T, NH, HD;
};

struct Inputs {
  std::vector<float> Q, K, V;
  std::vector<uint8_t> mask;
};

Inputs make_inputs(const AttentionShape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  Inputs in;
  const size_t n = static_cast<size_t>(s.B * s.T * s.C());
  for (auto* v : {&in.Q, &in.K, &in.V}) {
    v->resize(n);
    for (float& x : *v) x = normal(rng);
  }
  in.mask.assign(static_cast<size_t>(s.B * s.T), 1);
  // Row 1 right-padded to about half its length, row 2 (if any) with no real token at all.
  if (s.B > 1)
    for (int64_t t = (s.T + 1) / 2; t < s.T; ++t) in.mask[static_cast<size_t>(s.T + t)] = 0;
  if (s.B > 2)
    for (int64_t t = 0; t < s.T; ++t) in.mask[static_cast<size_t>(2 * s.T + t)] = 0;
  return in;
}

using Kernel = void (*)(const AttentionShape&, const float*, const float*, const float*, const uint8_t*, float*,
                        float*, std::vector<float>&);

// Compares real query rows (and real key columns of the maps); padded rows are defined as zeros by both kernels.
void expect_matches_reference(Kernel kernel, const Case& c) {
  const AttentionShape s{c.B, c.T, c.NH, c.HD};
  SCOPED_TRACE("B " + std::to_string(c.B) + " T " + std::to_string(c.T) + " NH " + std::to_string(c.NH) + " HD " +
               std::to_string(c.HD));
  const Inputs in = make_inputs(s, static_cast<uint32_t>(c.T * 131 + c.HD));
  const size_t n = static_cast<size_t>(s.B * s.T * s.C()), maps = static_cast<size_t>(s.B * s.NH * s.T * s.T);
  std::vector<float> context(n, -7.0f), probs(maps, -7.0f), ref_context(n), ref_probs(maps), scratch;
  kernel(s, in.Q.data(), in.K.data(), in.V.data(), in.mask.data(), context.data(), probs.data(), scratch);
  attention_forward_reference(s, in.Q.data(), in.K.data(), in.V.data(), in.mask.data(), ref_context.data(),
                              ref_probs.data());
  double worst = 0, worst_map = 0;
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t i = 0; i < s.T; ++i) {
      const bool real = in.mask[static_cast<size_t>(b * s.T + i)] != 0;
      for (int64_t d = 0; d < s.C(); ++d) {
        const size_t k = static_cast<size_t>((b * s.T + i) * s.C() + d);
        if (real) worst = std::max(worst, static_cast<double>(std::abs(context[k] - ref_context[k])));
        else EXPECT_EQ(context[k], 0.0f);
      }
      if (!real) continue;
      for (int64_t h = 0; h < s.NH; ++h)
        for (int64_t j = 0; j < s.T; ++j) {
          const size_t k = static_cast<size_t>(((b * s.NH + h) * s.T + i) * s.T + j);
          worst_map = std::max(worst_map, static_cast<double>(std::abs(probs[k] - ref_probs[k])));
        }
    }
  EXPECT_LT(worst, 2e-5);      // float sums of up to 1026 terms against double
  EXPECT_LT(worst_map, 1e-6);  // probabilities in [0, 1]
}

const std::vector<Case> kEdgeCases = {{1, 1, 2, 16}, {3, 2, 2, 32},  {3, 63, 2, 64}, {3, 65, 4, 48},
                                      {2, 66, 3, 32}, {1, 1026, 1, 32}, {3, 130, 2, 16}};

TEST(InferenceAttention, PortableKernelMatchesTheReferenceOnEdgeShapes) {
  for (const Case& c : kEdgeCases) expect_matches_reference(attention_forward_portable, c);
  // Head sizes the fused kernel does not take.
  for (const Case& c : std::vector<Case>{{3, 65, 3, 8}, {2, 63, 5, 9}, {3, 17, 16, 3}, {2, 33, 2, 24}})
    expect_matches_reference(attention_forward_portable, c);
}

TEST(InferenceAttention, FusedKernelMatchesTheReferenceOnEdgeShapes) {
  if (!cpu_has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU: the fused kernel never runs here";
  for (const Case& c : kEdgeCases) {
    ASSERT_TRUE(fused_attention_supported({c.B, c.T, c.NH, c.HD}));
    expect_matches_reference(attention_forward_fused, c);
  }
}

TEST(InferenceAttention, FusedAndPortableAgreeClosely) {
  if (!cpu_has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU";
  const AttentionShape s{3, 200, 4, 32};
  const Inputs in = make_inputs(s, 5);
  const size_t n = static_cast<size_t>(s.B * s.T * s.C());
  std::vector<float> fused(n), portable(n), scratch;
  attention_forward_fused(s, in.Q.data(), in.K.data(), in.V.data(), in.mask.data(), fused.data(), nullptr, scratch);
  attention_forward_portable(s, in.Q.data(), in.K.data(), in.V.data(), in.mask.data(), portable.data(), nullptr,
                             scratch);
  double worst = 0;
  for (size_t k = 0; k < n; ++k) worst = std::max(worst, static_cast<double>(std::abs(fused[k] - portable[k])));
  EXPECT_LT(worst, 2e-5);
}

}  // namespace
}  // namespace splicebert::kernels
