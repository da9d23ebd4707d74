// Exactly one answer: the forward of a record is bit-identical whatever else is in its batch (padding, position in
// the batch, batch size), and whatever the thread count, on many generated model shapes.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstring>
#include <random>

#include "generated_models.hpp"
#include "splicebert/model.hpp"

namespace splicebert::test {
namespace {

std::vector<int32_t> random_record(const Tokenizer& tok, size_t length, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (size_t i = 0; i < length; ++i) s += "ACGU"[rng() % 4];
  return tok.encode(s).ids;
}

// Real rows [0, T) of one batch row of a [B, T, X] tensor.
std::vector<float> rows_of(const Tensor& t, int64_t b, int64_t real_tokens) {
  const int64_t T = t.dim(1), X = t.dim(2);
  const float* p = t.data.data() + b * T * X;
  return std::vector<float>(p, p + real_tokens * X);
}

struct Outputs {
  std::vector<float> hidden, logits;
};

Outputs run(Session& session, const std::vector<std::vector<int32_t>>& records, size_t index) {
  ForwardOptions options;
  options.mlm_logits = true;
  const auto& out = session.forward(make_batch(records, session.model().tokenizer().pad_id()), options);
  const int64_t T = static_cast<int64_t>(records[index].size());
  return {rows_of(out.last_hidden_state, static_cast<int64_t>(index), T),
          rows_of(out.mlm_logits, static_cast<int64_t>(index), T)};
}

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class ForwardDeterminism : public ::testing::TestWithParam<GeneratedShape> {};

TEST_P(ForwardDeterminism, BatchCompositionPaddingAndThreadsDoNotChangeTheBits) {
  const auto model = generated_model(GetParam());
  Session session(model);
  const Tokenizer& tok = model->tokenizer();
  const auto a = random_record(tok, 61, 1);  // T = 63
  const std::vector<std::vector<int32_t>> others = {random_record(tok, 63, 2), random_record(tok, 1, 3),
                                                    random_record(tok, 200, 4), random_record(tok, 0, 5)};
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Outputs alone = run(session, {a}, 0);
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    SCOPED_TRACE("threads " + std::to_string(threads));
    const Outputs again = run(session, {a}, 0);
    EXPECT_TRUE(bit_equal(alone.hidden, again.hidden));
    const Outputs first = run(session, {a, others[0], others[2]}, 0);  // padded to T = 202
    EXPECT_TRUE(bit_equal(alone.hidden, first.hidden));
    EXPECT_TRUE(bit_equal(alone.logits, first.logits));
    const Outputs last = run(session, {others[1], others[3], others[2], others[0], a}, 4);
    EXPECT_TRUE(bit_equal(alone.hidden, last.hidden));
    EXPECT_TRUE(bit_equal(alone.logits, last.logits));
    std::vector<std::vector<int32_t>> many(9, a);
    many[3] = others[2];
    const Outputs middle = run(session, many, 5);
    EXPECT_TRUE(bit_equal(alone.hidden, middle.hidden));
    EXPECT_TRUE(bit_equal(alone.logits, middle.logits));
    // A large batch (M = 40 × 402 rows per GEMM) against the same long record alone.
    const auto long_record = random_record(tok, 400, 6);
    const Outputs long_alone = run(session, {long_record}, 0);
    std::vector<std::vector<int32_t>> large(40, long_record);
    large[0] = random_record(tok, 333, 7);
    const Outputs in_large = run(session, large, 17);
    EXPECT_TRUE(bit_equal(long_alone.hidden, in_large.hidden));
    EXPECT_TRUE(bit_equal(long_alone.logits, in_large.logits));
  }
  omp_set_num_threads(saved_threads);
}

INSTANTIATE_TEST_SUITE_P(GeneratedShapes, ForwardDeterminism, ::testing::ValuesIn(generated_shapes()),
                         [](const auto& info) { return info.param.name(); });

}  // namespace
}  // namespace splicebert::test
