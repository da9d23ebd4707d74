// Task-head pieces the tiny-heads fixture does not cover: the multilabel loss and an empty kept set (hand-worked
// values), and the `linear` transform's gradients against central finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/model.hpp"
#include "splicebert/train.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

TEST(HeadLossUnit, MultilabelDropsRowsWithIgnoredEntries) {
  // Row 0: logits 0, 0 against 1, 0 → (softplus(0) − 0 + softplus(0) − 0)/2 = ln 2; row 1 has a −100: dropped.
  const Tensor logits({2, 2}, {0.0f, 0.0f, 5.0f, -5.0f});
  const Tensor labels({2, 2}, {1.0f, 0.0f, 1.0f, kIgnoreLabel});
  Tensor grad;
  const HeadLoss loss = head_loss("multilabel", logits, labels, &grad);
  EXPECT_EQ(loss.kept, 1);
  EXPECT_NEAR(loss.loss, std::log(2.0), 1e-12);
  // (sigmoid(0) − y)/n: (0.5 − 1)/2 and (0.5 − 0)/2; the dropped row gets nothing.
  EXPECT_FLOAT_EQ(grad.data[0], -0.25f);
  EXPECT_FLOAT_EQ(grad.data[1], 0.25f);
  EXPECT_EQ(grad.data[2], 0.0f);
  EXPECT_EQ(grad.data[3], 0.0f);
}

TEST(HeadLossUnit, MulticlassClassWeightsWeightTheMean) {
  // Two rows of 3 classes with equal logits (softmax 1/3 each), targets 0 and 2, weights 1 and 4:
  // loss = (1 · ln 3 + 4 · ln 3) / (1 + 4) = ln 3; gradient row r = w_r (p − onehot) / 5. The ignored row adds nothing.
  const Tensor logits({3, 3}, {0, 0, 0, 0, 0, 0, 7, 1, 2});
  const Tensor labels({3}, {0.0f, 2.0f, kIgnoreLabel});
  Tensor grad;
  const HeadLoss loss = head_loss("multiclass", logits, labels, &grad, {1.0, 3.0, 4.0});
  EXPECT_EQ(loss.kept, 2);
  EXPECT_NEAR(loss.loss, std::log(3.0), 1e-12);
  EXPECT_FLOAT_EQ(grad.data[0], 1.0f * (1.0f / 3 - 1) / 5);
  EXPECT_FLOAT_EQ(grad.data[1], 1.0f * (1.0f / 3) / 5);
  EXPECT_FLOAT_EQ(grad.data[5], 4.0f * (1.0f / 3 - 1) / 5);
  EXPECT_FLOAT_EQ(grad.data[3], 4.0f * (1.0f / 3) / 5);
  for (int k = 6; k < 9; ++k) EXPECT_EQ(grad.data[k], 0.0f);
  // Unequal logits: a target-0 row with logits (ln 2, 0, 0) has loss ln 2 (p0 = 1/2), a target-1 row with equal
  // logits ln 3; weighted 1 and 3: (ln 2 + 3 ln 3) / 4.
  const Tensor mixed({2, 3}, {static_cast<float>(std::log(2.0)), 0, 0, 0, 0, 0});
  EXPECT_NEAR(head_loss("multiclass", mixed, Tensor({2}, {0.0f, 1.0f}), nullptr, {1.0, 3.0, 4.0}).loss,
              (std::log(2.0) + 3 * std::log(3.0)) / 4, 1e-6);
  // Without weights it is the plain mean.
  EXPECT_NEAR(head_loss("multiclass", mixed, Tensor({2}, {0.0f, 1.0f})).loss, (std::log(2.0) + std::log(3.0)) / 2, 1e-6);
  EXPECT_THROW(head_loss("multiclass", mixed, Tensor({2}, {0.0f, 1.0f}), nullptr, {1.0, 2.0}), Error);
  EXPECT_THROW(head_loss("binary", Tensor({1}, {0.0f}), Tensor({1}, {1.0f}), nullptr, {1.0}), Error);
}

TEST(HeadLossUnit, NothingKeptGivesNaN) {
  const Tensor logits({2}, {0.3f, -0.2f});
  EXPECT_TRUE(std::isnan(head_loss("binary", logits, Tensor({2}, {kIgnoreLabel, kIgnoreLabel})).loss));
  EXPECT_TRUE(std::isnan(head_loss("regression", logits, Tensor({2}, {NAN, NAN})).loss));
}

TEST(HeadGradientUnit, LinearTransformMatchesFiniteDifferences) {
  auto model = Model::load(test::source_dir() + "/models/default");
  ModelConfig config = model->config();
  config.architecture = "SpliceBertForTokenPrediction";
  config.head.kind = HeadKind::Token;
  config.head.num_labels = 3;
  config.head.problem_type = "multiclass";
  config.head.transform = "linear";
  std::vector<std::string> initialised;
  train::ParameterStore store =
      train::ParameterStore::with_task_head(config, model->named_tensors(), "test", 7, &initialised);
  ASSERT_EQ(initialised.size(), 6u);  // transform dense, transform LayerNorm and decoder: weight and bias each
  train::TrainingSession session(store, model->tokenizer());
  train::HeadBatch batch;
  const Tokenizer& tokenizer = model->tokenizer();
  batch.batch = make_batch({tokenizer.encode("ACGUAGGUAAGU").ids, tokenizer.encode("GGCAU").ids}, tokenizer.pad_id());
  const int64_t L = batch.batch.tokens - 2;
  batch.labels = Tensor({2, L});
  for (int64_t i = 0; i < 2 * L; ++i) batch.labels.data[i] = static_cast<float>(i % 3);
  for (int64_t i = 5; i < L; ++i) batch.labels.data[L + i] = kIgnoreLabel;  // row 1's padding
  store.zero_gradients();
  session.head_forward_backward(batch, {}, 1.0);
  const TensorMap gradients = store.gradients();
  for (const std::string name : {"token_head.transform.dense.weight", "token_head.transform.layer_norm.weight",
                                 "token_head.decoder.weight", "model.encoder.layer.1.output.dense.weight"}) {
    for (int64_t index : {0, 7, 33}) {
      float& value = store.parameter(name).data[static_cast<size_t>(index)];
      const float saved = value, step = 1e-2f;
      value = saved + step;
      const double up = session.head_evaluate(batch).loss;
      value = saved - step;
      const double down = session.head_evaluate(batch).loss;
      value = saved;
      const double numeric = (up - down) / (2.0 * step);
      const double analytic = gradients.at(name).data[static_cast<size_t>(index)];
      EXPECT_NEAR(analytic, numeric, 2e-4 + 2e-2 * std::fabs(numeric)) << name << "[" << index << "]";
    }
  }
}

TEST(HeadGradientUnit, HeadDropoutMaskIsSharedByForwardAndBackward) {
  // Sequence head, nonlinear transform, dropout 0.3 on the pooled input: masks depend on (step key, row, column)
  // only, so repeating the step with a perturbed weight sees the same mask and finite differences apply.
  auto model = Model::load(test::source_dir() + "/models/default");
  ModelConfig config = model->config();
  config.architecture = "SpliceBertForSequencePrediction";
  config.head.kind = HeadKind::Sequence;
  config.head.num_labels = 1;
  config.head.problem_type = "binary";
  config.head.transform = "nonlinear";
  train::ParameterStore store = train::ParameterStore::with_task_head(config, model->named_tensors(), "test", 3, nullptr);
  train::TrainingSession session(store, model->tokenizer());
  const Tokenizer& tokenizer = model->tokenizer();
  train::HeadBatch batch;
  batch.batch = make_batch({tokenizer.encode("ACGUAGGUAAGU").ids, tokenizer.encode("GGCAUCC").ids,
                            tokenizer.encode("UUUAG").ids},
                           tokenizer.pad_id());
  batch.labels = Tensor({3}, {1.0f, 0.0f, 1.0f});
  const train::DropoutSettings dropout{0.0f, 0.0f, 12345, 0.3f};
  store.zero_gradients();
  const double with_dropout = session.head_forward_backward(batch, dropout, 1.0).loss;
  const TensorMap gradients = store.gradients();
  EXPECT_NE(with_dropout, session.head_evaluate(batch).loss);  // the mask is applied
  for (const std::string name : {"model.pooler.dense.weight", "sequence_head.transform.dense.weight",
                                 "sequence_head.decoder.weight"}) {
    for (int64_t index : {1, 20}) {
      float& value = store.parameter(name).data[static_cast<size_t>(index)];
      const float saved = value, step = 1e-2f;
      value = saved + step;
      const double up = session.head_forward_backward(batch, dropout, 1.0).loss;
      value = saved - step;
      const double down = session.head_forward_backward(batch, dropout, 1.0).loss;
      value = saved;
      const double numeric = (up - down) / (2.0 * step);
      EXPECT_NEAR(gradients.at(name).data[static_cast<size_t>(index)], numeric, 2e-4 + 2e-2 * std::fabs(numeric))
          << name << "[" << index << "]";
    }
  }
}

}  // namespace
}  // namespace splicebert
