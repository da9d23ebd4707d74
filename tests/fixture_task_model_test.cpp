// task_model.hpp on the tiny fixture: a head added to an MLM checkpoint (names of the drawn tensors, the checkpoint's
// own head kept), losses for labels with or without the batch / label dimension, the problem type inferred from
// label values, shape errors naming both shapes, and predict's row score.
#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.hpp"
#include "splicebert/task_model.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

std::shared_ptr<const Model> tiny() {
  static const auto model = Model::load(test::fixtures_dir() + "/tiny/checkpoint-multimolecule");
  return model;
}

HeadConfig head_of(HeadKind kind, int num_labels) {
  HeadConfig head;
  head.kind = kind;
  head.num_labels = num_labels;
  return head;
}

TEST(TaskModel, AddsAHeadAndNamesTheDrawnTensors) {
  const TaskModel task = with_task_head(tiny(), head_of(HeadKind::Sequence, 2), 1);
  EXPECT_EQ(task.model->config().head.kind, HeadKind::Sequence);
  EXPECT_EQ(task.model->config().architecture, "SpliceBertForSequencePrediction");
  EXPECT_EQ(task.initialised, (std::vector<std::string>{"model.pooler.dense.bias", "model.pooler.dense.weight",
                                                         "sequence_head.decoder.bias", "sequence_head.decoder.weight"}));
  ASSERT_TRUE(task.model->weights().task_head.has_value());
  EXPECT_EQ(task.model->weights().task_head->decoder.weight.shape, (Shape{2, tiny()->config().hidden_size}));
  // The same seed draws the same head; the checkpoint's own head is kept when the kind matches.
  const TaskModel again = with_task_head(tiny(), head_of(HeadKind::Sequence, 2), 1);
  EXPECT_EQ(again.model->weights().task_head->decoder.weight.data, task.model->weights().task_head->decoder.weight.data);
  const TaskModel kept = with_task_head(task.model, head_of(HeadKind::Sequence, 5), 9);
  EXPECT_EQ(kept.model, task.model);
  EXPECT_TRUE(kept.initialised.empty());
  test::expect_error([] { with_task_head(tiny(), head_of(HeadKind::None, 1), 1); }, {"no head kind"});
}

TEST(TaskModel, LabelsWithoutBatchOrLabelDimensionGiveTheSameLoss) {
  const Tensor logits({1, 3, 1}, {0.5f, -1.0f, 2.0f});
  const LabelledLoss full = loss_for_labels(head_of(HeadKind::Token, 1), logits, Tensor({1, 3, 1}, {1, 0, 1}));
  const LabelledLoss flat = loss_for_labels(head_of(HeadKind::Token, 1), logits, Tensor({3}, {1, 0, 1}));
  EXPECT_EQ(full.problem_type, "binary");
  EXPECT_EQ(flat.problem_type, "binary");
  EXPECT_EQ(full.loss.loss, flat.loss.loss);
  EXPECT_EQ(flat.loss.kept, 3);
  const double expected = (std::log1p(std::exp(-0.5)) + std::log1p(std::exp(-1.0)) + std::log1p(std::exp(-2.0))) / 3;
  EXPECT_NEAR(flat.loss.loss, expected, 1e-6);
}

TEST(TaskModel, ProblemTypeFollowsTheLabelValues) {
  EXPECT_EQ(problem_type_for_labels(head_of(HeadKind::Sequence, 1), Tensor({2, 1}), Tensor({2}, {0.5f, 1.5f})),
            "regression");
  EXPECT_EQ(problem_type_for_labels(head_of(HeadKind::Sequence, 3), Tensor({2, 3}), Tensor({2}, {0, 2})),
            "multiclass");
  EXPECT_EQ(problem_type_for_labels(head_of(HeadKind::Sequence, 3), Tensor({2, 3}), Tensor({2, 3}, {0, 1, 1, 1, 0, 0})),
            "multilabel");
  HeadConfig given = head_of(HeadKind::Sequence, 1);
  given.problem_type = "regression";
  EXPECT_EQ(problem_type_for_labels(given, Tensor({2, 1}), Tensor({2}, {0, 1})), "regression");
}

TEST(TaskModel, MismatchedLabelsNameBothShapes) {
  test::expect_error([] { loss_for_labels(head_of(HeadKind::Token, 1), Tensor({1, 4, 1}), Tensor({5})); },
                     {"[5]", "[1, 4, 1]", "[1, 4]"});
}

TEST(TaskModel, RowScoresAsPredictReportsThem) {
  const float one[] = {0.0f};
  EXPECT_DOUBLE_EQ(head_row_score(one, 1, 0, "binary"), 0.5);
  const float two[] = {3.0f, -1.0f};
  EXPECT_NEAR(head_row_score(two, 2, 1, "multiclass"), 1.0 / (1.0 + std::exp(1.0)), 1e-7);  // sigmoid of class 1
  const float three[] = {0.0f, 0.0f, std::log(2.0f)};
  EXPECT_NEAR(head_row_score(three, 3, 2, "multiclass"), 0.5, 1e-7);
  EXPECT_DOUBLE_EQ(head_row_score(two, 2, 0, "regression"), 3.0);
  EXPECT_EQ(resolve_score_class(head_of(HeadKind::Token, 2), -1), 1);
  EXPECT_EQ(resolve_score_class(head_of(HeadKind::Token, 1), -1), 0);
  test::expect_error([] { resolve_score_class(head_of(HeadKind::Token, 2), 2); }, {"--class 2"});
}

}  // namespace
}  // namespace splicebert
