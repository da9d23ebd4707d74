#include "model/base_checkpoint_files.hpp"
#include "splicebert/tokenizer_files.hpp"

namespace splicebert::base_checkpoint {

using nlohmann::json;

namespace {
const std::vector<std::string> kSpecialTokens = {"<pad>", "<cls>", "<eos>", "<unk>", "<mask>", "<null>"};
const std::string kLetters = "ACGUNRYSWKMBDHVIX|.*-?";
}  // namespace

const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> tokens = [] {
    std::vector<std::string> all = kSpecialTokens;
    for (char letter : kLetters) all.emplace_back(1, letter);
    return all;
  }();
  return tokens;
}

json config_json(const BaseCheckpointSpec& spec) {
  const json head = {
      {"act", nullptr},          {"bias", true},           {"dropout", 0.0},         {"hidden_size", nullptr},
      {"layer_norm_eps", 1e-12}, {"num_labels", nullptr},  {"output_name", nullptr}, {"problem_type", nullptr},
      {"transform", nullptr},    {"transform_act", "gelu"}};
  const json lm_head = {
      {"act", nullptr},          {"bias", true},           {"dropout", 0.0},           {"hidden_size", spec.hidden},
      {"layer_norm_eps", 1e-12}, {"output_name", nullptr}, {"transform", "nonlinear"}, {"transform_act", "gelu"}};
  return {{"architectures", {"SpliceBertForPreTraining"}},
          {"attention_dropout", 0.1},
          {"bos_token_id", 1},
          {"classifier_dropout", nullptr},
          {"eos_token_id", 2},
          {"head", head},
          {"hidden_act", "gelu"},
          {"hidden_dropout", 0.1},
          {"hidden_size", spec.hidden},
          {"initializer_range", 0.02},
          {"intermediate_size", spec.intermediate},
          {"layer_norm_eps", 1e-12},
          {"lm_head", lm_head},
          {"mask_token_id", 4},
          {"max_position_embeddings", spec.max_positions},
          {"model_type", "splicebert"},
          {"null_token_id", 5},
          {"num_attention_heads", spec.heads},
          {"num_hidden_layers", spec.layers},
          {"output_hidden_states", true},
          {"pad_token_id", 0},
          {"position_embedding_type", "absolute"},
          {"torch_dtype", "float32"},
          {"transformers_version", "4.44.0"},
          {"type_vocab_size", 2},
          {"unk_token_id", 3},
          {"use_cache", true},
          {"vocab_size", vocabulary().size()}};
}

json tokenizer_config_json(const BaseCheckpointSpec& spec) {
  return splicebert::tokenizer_config_json(vocabulary(), spec.max_positions);
}

json special_tokens_map_json() { return splicebert::special_tokens_map_json(vocabulary()); }

// nlohmann::json keeps object keys sorted and, like Python, prints the shortest round-trip form of a double
// (1e-12, 0.1, 0.0), so an indent of 2 reproduces json.dumps(indent=2, sort_keys=True) for ASCII content.
std::string python_json_text(const json& value) { return value.dump(2) + "\n"; }

}  // namespace splicebert::base_checkpoint
