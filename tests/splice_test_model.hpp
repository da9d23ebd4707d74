// A small splice-site model for the delta and caller tests: a generated 2-layer backbone with a 3-label token head
// (no_splice, acceptor, donor) whose decoder is scaled up, so that channel probabilities vary by position and the
// deltas of a single substitution are far from zero. Saved as a model folder for the CLI tests.
#pragma once
#include <string>

#include "generated_models.hpp"
#include "splicebert/task_model.hpp"
#include "splicebert/train.hpp"

namespace splicebert::test {

// `labels` other than 3 gives a token head that is not a splice-site model (for the refusals).
inline std::shared_ptr<const Model> splice_test_model(uint64_t seed = 11, int labels = 3) {
  auto base = generated_model({2, 48, 4, 96, 26}, seed, 4.0f);
  HeadConfig head;
  head.kind = HeadKind::Token;
  head.num_labels = labels;
  head.problem_type = "multiclass";
  const TaskModel task = with_task_head(base, head, seed);
  TensorMap tensors = task.model->named_tensors();
  for (auto& [name, tensor] : tensors)
    if (name.starts_with("token_head") && name.ends_with("decoder.weight"))
      for (float& x : tensor.data) x *= 60.0f;
  return Model::from_tensors(task.model->config(), task.model->tokenizer(), std::move(tensors), "splice test model");
}

// The model above as a MultiMolecule folder at `dir` (model.safetensors, config.json, tokenizer files).
inline void save_splice_test_model(const std::string& dir, uint64_t seed = 11, int labels = 3) {
  auto model = splice_test_model(seed, labels);
  train::ParameterStore::from_model(*model).save_model_folder(dir, model->tokenizer());
}

}  // namespace splicebert::test
