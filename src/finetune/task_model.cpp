// Task models from any checkpoint and losses for caller-shaped labels (task_model.hpp).
#include "splicebert/task_model.hpp"

#include <algorithm>
#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/train.hpp"

namespace splicebert {

std::string architecture_of(HeadKind kind) {
  switch (kind) {
    case HeadKind::Sequence: return "SpliceBertForSequencePrediction";
    case HeadKind::Token: return "SpliceBertForTokenPrediction";
    case HeadKind::Contact: return "SpliceBertForContactPrediction";
    case HeadKind::None: break;
  }
  return "";
}

TaskModel with_task_head(const std::shared_ptr<const Model>& base, const HeadConfig& head, uint64_t seed) {
  if (head.kind == HeadKind::None) fail(base->source(), ": no head kind given");
  if (base->config().head.kind == head.kind && base->weights().task_head) return {base, {}};
  if (head.num_labels < 1) fail(base->source(), ": num_labels must be at least 1, got ", head.num_labels);
  ModelConfig config = base->config();
  config.architecture = architecture_of(head.kind);
  config.head = head;
  TaskModel out;
  train::ParameterStore store =
      train::ParameterStore::with_task_head(config, base->named_tensors(), base->source(), seed, &out.initialised);
  out.model = Model::from_tensors(config, base->tokenizer(), store.parameters(), base->source());
  return out;
}

namespace {

// The labels as one example per batch row (what finetune::infer_problem_type reads).
std::vector<finetune::Example> rows_as_examples(const Tensor& labels, int64_t rows) {
  std::vector<finetune::Example> examples(static_cast<size_t>(rows));
  const int64_t per_row = rows > 0 ? labels.numel() / rows : 0;
  for (int64_t r = 0; r < rows; ++r)
    examples[static_cast<size_t>(r)].labels.assign(labels.data.begin() + r * per_row,
                                                   labels.data.begin() + (r + 1) * per_row);
  return examples;
}

Shape without_last(const Shape& shape) { return Shape(shape.begin(), shape.end() - 1); }
Shape without_first(const Shape& shape) { return Shape(shape.begin() + 1, shape.end()); }

// The labels reshaped to logits.shape or logits.shape minus its last dimension (see loss_for_labels).
Tensor shaped_labels(const Tensor& logits, const Tensor& labels) {
  const Shape full = logits.shape, reduced = without_last(logits.shape);
  std::vector<Shape> accepted = {full, reduced};
  if (!full.empty() && full[0] == 1) accepted.push_back(without_first(full));
  if (!reduced.empty() && reduced[0] == 1) accepted.push_back(without_first(reduced));
  for (size_t i = 0; i < accepted.size(); ++i)
    if (labels.shape == accepted[i]) return Tensor(i % 2 == 0 ? full : reduced, labels.data);
  fail("labels have shape ", shape_to_string(labels.shape), "; the logits ", shape_to_string(full),
       " need labels of shape ", shape_to_string(full), " or ", shape_to_string(reduced));
}

}  // namespace

std::string problem_type_for_labels(const HeadConfig& head, const Tensor& logits, const Tensor& labels) {
  if (!head.problem_type.empty()) return head.problem_type;
  const Tensor shaped = shaped_labels(logits, labels);
  return finetune::infer_problem_type(rows_as_examples(shaped, shaped.shape.empty() ? 0 : shaped.dim(0)), head);
}

LabelledLoss loss_for_labels(const HeadConfig& head, const Tensor& logits, const Tensor& labels) {
  LabelledLoss out;
  out.problem_type = problem_type_for_labels(head, logits, labels);
  out.loss = head_loss(out.problem_type, logits, shaped_labels(logits, labels));
  return out;
}

}  // namespace splicebert
