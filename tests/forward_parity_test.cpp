// The inference forward (Session, src/model + the inference kernels) against the training forward (TrainingSession,
// src/train + the training kernels) on the same weights, on several generated model shapes: a token head with a
// linear transform (every encoder layer, the transform's LayerNorm and the decoder, compared logit by logit) and the
// MLM head (compared through the cross-entropy the training forward reports).
//
// Tolerance: the two forwards compute the same float32 math with different kernels (GEMM blocking and summation
// order, exp and GELU approximations, fused vs. two-pass softmax), so they differ by float rounding only: per GEMM
// about √K·2^-24 relative, carried through up to 4 post-LN layers that renormalise every row. Measured on both CPU
// paths: at most 2.3e-5 on logits of magnitude 15–35 (about 1e-6 of their scale) and 1e-5 on the summed
// cross-entropy of 212 tokens. 5e-5 of the logits' scale (40× margin) still fails on any real mismatch (a wrong
// bias, mask, LayerNorm or head moves logits by O(1)).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "generated_models.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/model.hpp"
#include "splicebert/train.hpp"

namespace splicebert::test {
namespace {

constexpr double kRelativeTolerance = 5e-5;

Batch random_batch(const Tokenizer& tokenizer, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<int32_t>> records;
  for (const size_t length : {61u, 1u, 20u, 130u}) {  // T = 63, 3, 22, 132: padding in three of the four rows
    std::string text;
    for (size_t i = 0; i < length; ++i) text += "ACGU"[rng() % 4];
    records.push_back(tokenizer.encode(text).ids);
  }
  return make_batch(records, tokenizer.pad_id());
}

double largest_magnitude(const std::vector<float>& values) {
  double largest = 0;
  for (const float v : values) largest = std::max(largest, std::abs(double(v)));
  return largest;
}

class ForwardParity : public ::testing::TestWithParam<GeneratedShape> {};

TEST_P(ForwardParity, TokenHeadLogitsOfInferenceAndTrainingForwardsAgree) {
  const auto base = generated_model(GetParam());  // weights scaled so that outputs are far from uniform
  ModelConfig config = base->config();
  config.architecture = "SpliceBertForTokenPrediction";
  config.head.kind = HeadKind::Token;
  config.head.num_labels = 3;
  config.head.problem_type = "multiclass";
  config.head.transform = "linear";
  std::vector<std::string> initialised;
  train::ParameterStore store =
      train::ParameterStore::with_task_head(config, base->named_tensors(), "parity", 11, &initialised);
  // The new head starts at normal(0, 0.02): scaled up so that its logits are O(1) and the comparison has teeth.
  for (const std::string& name : initialised)
    if (name.ends_with("dense.weight") || name.ends_with("decoder.weight"))
      for (float& w : store.parameter(name).data) w *= 50.0f;
  const auto model = Model::from_tensors(config, base->tokenizer(), store.parameters(), "parity");
  const Batch batch = random_batch(model->tokenizer(), 3);

  Session session(model);
  const ForwardOutput& out = session.forward(batch, head_forward_options(config));
  const Tensor inference = head_logits(*model, batch, out);

  train::TrainingSession trainer(store, model->tokenizer());
  train::HeadBatch head_batch{batch, Tensor({batch.batch, batch.tokens - 2}), {}};
  std::fill(head_batch.labels.data.begin(), head_batch.labels.data.end(), 0.0f);
  const Tensor training = trainer.head_evaluate(head_batch).logits;

  ASSERT_EQ(inference.shape, training.shape);
  const double scale = std::max(1.0, largest_magnitude(training.data));
  double worst = 0;
  for (int64_t b = 0; b < batch.batch; ++b) {
    const int64_t L = batch.real_tokens(b) - 2, n = training.dim(2);
    for (int64_t i = 0; i < L * n; ++i) {  // real nucleotides only (padded positions are undefined in both)
      const size_t k = static_cast<size_t>(b * training.dim(1) * n + i);
      worst = std::max(worst, std::abs(double(inference.data[k]) - training.data[k]));
    }
  }
  std::cout << GetParam().name() << ": max |Δ logit| " << worst << ", logit scale " << scale << "\n";
  EXPECT_LE(worst, kRelativeTolerance * scale) << "logit scale " << scale;
  EXPECT_GT(largest_magnitude(training.data), 1.0);  // logits are not all ~0 (else any forward would pass)
}

TEST_P(ForwardParity, MlmCrossEntropyOfInferenceAndTrainingForwardsAgree) {
  const auto model = generated_model(GetParam());
  const Tokenizer& tokenizer = model->tokenizer();
  train::MlmBatch mlm;
  mlm.batch = random_batch(tokenizer, 5);
  mlm.sequence_keys.assign(static_cast<size_t>(mlm.batch.batch), 0);
  mlm.labels.assign(mlm.batch.input_ids.size(), -100);
  // Label every real nucleotide with its own id (the loss needs no masking to compare two forwards).
  for (int64_t b = 0; b < mlm.batch.batch; ++b)
    for (int64_t t = 1; t + 1 < mlm.batch.real_tokens(b); ++t)
      mlm.labels[static_cast<size_t>(b * mlm.batch.tokens + t)] = mlm.batch.input_ids[static_cast<size_t>(b * mlm.batch.tokens + t)];

  train::ParameterStore store = train::ParameterStore::from_model(*model);
  train::TrainingSession trainer(store, tokenizer);
  const train::MlmStats stats = trainer.evaluate(mlm);

  Session session(model);
  ForwardOptions options;
  options.mlm_logits = true;
  const ForwardOutput& out = session.forward(mlm.batch, options);
  const int64_t V = out.mlm_logits.dim(2);
  double loss_sum = 0;
  int64_t labelled = 0;
  for (size_t row = 0; row < mlm.labels.size(); ++row) {
    if (mlm.labels[row] < 0) continue;
    const float* logits = out.mlm_logits.data.data() + row * static_cast<size_t>(V);
    const double top = *std::max_element(logits, logits + V);
    double sum = 0;
    for (int64_t v = 0; v < V; ++v) sum += std::exp(double(logits[v]) - top);
    loss_sum += std::log(sum) + top - logits[mlm.labels[row]];
    ++labelled;
  }
  ASSERT_EQ(stats.labelled, labelled);
  std::cout << GetParam().name() << ": Σ cross-entropy over " << labelled << " tokens, training " << stats.loss_sum
            << ", inference − training " << loss_sum - stats.loss_sum << "\n";
  // Per-token cross-entropies of O(1) (log V ≈ 3): the same tolerance per token.
  EXPECT_NEAR(stats.loss_sum, loss_sum, kRelativeTolerance * double(labelled));
  EXPECT_GT(largest_magnitude(out.mlm_logits.data), 1.0);  // logits are not all ~0 (a uniform guess for any forward)
}

INSTANTIATE_TEST_SUITE_P(GeneratedShapes, ForwardParity, ::testing::ValuesIn(generated_shapes()),
                         [](const auto& info) { return info.param.name(); });

}  // namespace
}  // namespace splicebert::test
