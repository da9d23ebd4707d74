// Models of many shapes generated in memory for tests that must hold on every shape, not only the fixtures':
// odd hidden sizes, head sizes other than 32, 1–4 layers, 10/26/28-token vocabularies. Weights come from the
// documented base-checkpoint generator (base_checkpoint.hpp), scaled so that outputs are far from uniform.
#pragma once
#include <string>
#include <vector>

#include "splicebert/base_checkpoint.hpp"
#include "splicebert/model.hpp"

namespace splicebert::test {

struct GeneratedShape {
  int layers, hidden, heads, intermediate, vocab;  // vocab: 10 (original), 26 or 28 (MultiMolecule)
  std::string name() const {
    return std::to_string(layers) + "L_C" + std::to_string(hidden) + "_NH" + std::to_string(heads) + "_FF" +
           std::to_string(intermediate) + "_V" + std::to_string(vocab);
  }
};

inline std::vector<std::string> vocabulary(int size) {
  if (size == 10) return {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "N", "A", "C", "G", "T"};
  std::vector<std::string> v = {"<pad>", "<cls>", "<eos>", "<unk>", "<mask>", "<null>", "A", "C", "G", "U",
                                "N",     "R",     "Y",     "S",     "W",      "K",      "M", "B", "D", "H",
                                "V",     ".",     "X",     "*",     "-",      "I"};
  if (size == 28) v.insert(v.end(), {"|", "?"});
  return v;
}

// The shapes every determinism and parity test runs on (head sizes 8, 9, 15, 16, 24, 48, 64; hidden sizes odd and
// even; 1–4 layers; all three vocabularies).
inline std::vector<GeneratedShape> generated_shapes() {
  return {{1, 48, 3, 96, 26},  {3, 48, 4, 192, 26}, {2, 45, 3, 90, 28},  {3, 48, 6, 192, 26}, {4, 40, 5, 80, 10},
          {2, 63, 7, 130, 26}, {1, 96, 2, 200, 28}, {3, 128, 2, 256, 10}, {2, 72, 3, 144, 28}};
}

// A Model of `shape` with an MLM head (and a pooler), weights ×`scale` so that distributions are sharp.
inline std::shared_ptr<const Model> generated_model(const GeneratedShape& shape, uint64_t seed = 7,
                                                    float scale = 4.0f) {
  BaseCheckpointSpec spec;
  spec.seed = seed;
  spec.layers = shape.layers;
  spec.hidden = shape.hidden;
  spec.heads = shape.heads;
  spec.intermediate = shape.intermediate;
  spec.max_positions = 1026;
  TensorMap tensors = base_checkpoint_tensors(spec);
  const std::vector<std::string> tokens = vocabulary(shape.vocab);
  const int64_t V = static_cast<int64_t>(tokens.size()), C = shape.hidden;
  for (auto& [name, tensor] : tensors) {
    // The generator writes a 28-row table; keep the first V rows (same weights across vocabularies).
    if (name.ends_with("word_embeddings.weight")) {
      tensor.data.resize(static_cast<size_t>(V * C));
      tensor.shape = {V, C};
    } else if (name == "lm_head.bias") {
      tensor.data.resize(static_cast<size_t>(V));
      tensor.shape = {V};
    }
    const bool norm = name.find("norm") != std::string::npos;
    if (!norm && (name.ends_with(".weight") || name.find("embeddings") != std::string::npos))
      for (float& x : tensor.data) x *= scale;
  }
  ModelConfig config;
  config.architecture = "SpliceBertForMaskedLM";
  config.vocab_size = static_cast<int>(V);
  config.hidden_size = shape.hidden;
  config.num_hidden_layers = shape.layers;
  config.num_attention_heads = shape.heads;
  config.intermediate_size = shape.intermediate;
  config.max_position_embeddings = spec.max_positions;
  LoadOptions load;
  load.require_lm_head = true;
  return Model::from_tensors(config, Tokenizer::from_tokens(tokens, shape.name()), std::move(tensors),
                             "generated " + shape.name(), load);
}

}  // namespace splicebert::test
