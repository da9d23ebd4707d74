// Model configuration as data: parsed from either config.json flavour (MultiMolecule `splicebert` or the original
// HF `bert`), nothing hard-wired.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace splicebert {

enum class Layout { MultiMolecule, Original };
enum class HeadKind { None, Sequence, Token, Contact };

struct HeadConfig {
  HeadKind kind = HeadKind::None;
  int num_labels = 0;
  std::string problem_type;        // binary | multiclass | multilabel | regression | "" (unset)
  double dropout = 0.0;
  std::string transform = "none";  // none | linear | nonlinear
  std::string transform_act = "gelu";
  bool bias = true;
  std::string act = "none";
  double layer_norm_eps = 1e-12;
  // Channel names (config.json id2label / label2id, as Hugging Face writes them); empty = unnamed. Tools find a
  // channel by name, e.g. the splice-site head's no_splice / acceptor / donor.
  std::vector<std::string> label_names;
  // Training only, never written to config.json: per-class weights of the multiclass loss (PyTorch's
  // CrossEntropyLoss(weight=...): the mean is weighted, sum w[y] * loss / sum w[y]); empty = all 1.
  std::vector<double> class_weights;
};

struct ModelConfig {
  Layout layout = Layout::MultiMolecule;
  std::string architecture;  // architectures[0]
  int vocab_size = 0;
  int hidden_size = 0;
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  std::string hidden_act = "gelu";
  double hidden_dropout = 0.1;
  double attention_dropout = 0.1;
  double initializer_range = 0.02;
  int pad_token_id = 0;
  HeadConfig head;

  int head_dim() const { return hidden_size / num_attention_heads; }
  int64_t parameter_count(bool with_pooler, bool with_lm_head) const;

  // `source` names the file in error messages; validates every dimension.
  static ModelConfig from_json(const nlohmann::json& json, const std::string& source);
  static ModelConfig from_file(const std::string& path);
  nlohmann::json to_json(Layout layout) const;
};

}  // namespace splicebert
