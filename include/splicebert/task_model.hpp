// What the Python package (and any other caller holding tensors rather than files) needs on top of heads.hpp and
// finetune.hpp: a model with a task head made from any checkpoint (the head initialised exactly as fine-tuning
// initialises it when the checkpoint has none), and the loss of a head for labels as a caller hands them over
// (batch dimension optional, problem type inferred from the values when the config names none).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "splicebert/heads.hpp"
#include "splicebert/model.hpp"

namespace splicebert {

// The transformers architecture name of a head kind: SpliceBertForSequencePrediction, SpliceBertForTokenPrediction,
// SpliceBertForContactPrediction ("" for HeadKind::None).
std::string architecture_of(HeadKind kind);

struct TaskModel {
  std::shared_ptr<const Model> model;
  std::vector<std::string> initialised;  // tensor names that the checkpoint lacked and that were drawn here
};

// `base` when its checkpoint already carries a head of `head.kind` (its own num_labels / problem type win), else a
// copy of its backbone with the pooler (sequence head) and the head of `head` added: tensors missing from the
// checkpoint are drawn as fine-tuning draws them (train::ParameterStore::with_task_head with `seed`), the MLM head
// dropped. Throws for HeadKind::None.
TaskModel with_task_head(const std::shared_ptr<const Model>& base, const HeadConfig& head, uint64_t seed);

// The problem type of a head for these labels when head.problem_type is empty (the rule fine-tuning applies to its
// label file, finetune::infer_problem_type, with one example per batch row), else head.problem_type.
std::string problem_type_for_labels(const HeadConfig& head, const Tensor& logits, const Tensor& labels);

struct LabelledLoss {
  HeadLoss loss;
  std::string problem_type;
};
// head_loss for labels of the logits' shape, or of the logits' shape without its last (label) dimension, or either
// of those without the batch dimension when the batch has one row; anything else is an error naming both shapes.
LabelledLoss loss_for_labels(const HeadConfig& head, const Tensor& logits, const Tensor& labels);

}  // namespace splicebert
