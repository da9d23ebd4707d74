// config.json of either layout -> ModelConfig. MultiMolecule names (hidden_dropout, attention_dropout, head, ...) and
// the original HF BERT names (hidden_dropout_prob, attention_probs_dropout_prob) are both read.
#include <algorithm>
#include "splicebert/config.hpp"

#include <nlohmann/json.hpp>

#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

using nlohmann::json;

namespace {

int read_dimension(const json& j, const char* key, const std::string& source, int minimum, bool required = true,
                   int fallback = 0) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) fail(source, ": config lacks '", key, "'");
    return fallback;
  }
  if (!it->is_number_integer()) fail(source, ": '", key, "' must be an integer, found ", it->dump());
  int64_t value = it->get<int64_t>();
  if (value < minimum || value > (1 << 24)) fail(source, ": '", key, "' = ", value, " is out of range");
  return static_cast<int>(value);
}

// A config edited to huge dimensions is refused before anything is sized from it. The limit is far above any
// published BERT (SpliceBERT: 19 M parameters, BERT-large: 340 M) and below what a machine can hold as float32.
constexpr double kMaxParameters = 8e9;

void check_model_size(const ModelConfig& c, const std::string& source) {
  const double C = c.hidden_size, FF = c.intermediate_size;  // double: the products overflow int64 at the limits
  const double embeddings = (double(c.vocab_size) + c.max_position_embeddings + c.type_vocab_size) * C;
  const double layers = double(c.num_hidden_layers) * (4 * C * C + 2 * C * FF);
  const double head = double(c.head.num_labels) * C;
  if (embeddings + layers + head > kMaxParameters)
    fail(source, ": the dimensions (vocab_size ", c.vocab_size, ", hidden_size ", c.hidden_size,
         ", num_hidden_layers ", c.num_hidden_layers, ", intermediate_size ", c.intermediate_size,
         ", max_position_embeddings ", c.max_position_embeddings, ") describe about ",
         static_cast<int64_t>((embeddings + layers + head) / 1e6), " M parameters, past the limit of ",
         static_cast<int64_t>(kMaxParameters / 1e6), " M");
}

double read_number(const json& j, const char* key, double fallback, const std::string& source) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) fail(source, ": '", key, "' must be a number, found ", it->dump());
  return it->get<double>();
}

std::string read_string(const json& j, const char* key, const std::string& fallback, const std::string& source) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_string()) fail(source, ": '", key, "' must be a string, found ", it->dump());
  return it->get<std::string>();
}

HeadKind head_kind_of(const std::string& architecture) {
  if (architecture.find("SequencePrediction") != std::string::npos) return HeadKind::Sequence;
  if (architecture.find("TokenPrediction") != std::string::npos ||
      architecture.find("NucleotidePrediction") != std::string::npos)
    return HeadKind::Token;
  if (architecture.find("ContactPrediction") != std::string::npos) return HeadKind::Contact;
  return HeadKind::None;
}

}  // namespace

ModelConfig ModelConfig::from_json(const json& j, const std::string& source) {
  if (!j.is_object()) fail(source, ": config must be a JSON object");
  ModelConfig c;
  std::string model_type = read_string(j, "model_type", "", source);
  if (model_type == "splicebert") c.layout = Layout::MultiMolecule;
  else if (model_type == "bert") c.layout = Layout::Original;
  else fail(source, ": model_type '", model_type, "' is neither 'splicebert' (MultiMolecule) nor 'bert' (original)");

  if (auto it = j.find("architectures"); it != j.end() && it->is_array() && !it->empty() && (*it)[0].is_string())
    c.architecture = (*it)[0].get<std::string>();
  c.vocab_size = read_dimension(j, "vocab_size", source, 1);
  c.hidden_size = read_dimension(j, "hidden_size", source, 1);
  c.num_hidden_layers = read_dimension(j, "num_hidden_layers", source, 0);
  c.num_attention_heads = read_dimension(j, "num_attention_heads", source, 1);
  c.intermediate_size = read_dimension(j, "intermediate_size", source, 1);
  c.max_position_embeddings = read_dimension(j, "max_position_embeddings", source, 3);
  c.type_vocab_size = read_dimension(j, "type_vocab_size", source, 1, false, 2);
  c.pad_token_id = read_dimension(j, "pad_token_id", source, 0, false, 0);
  if (c.hidden_size % c.num_attention_heads != 0)
    fail(source, ": hidden_size ", c.hidden_size, " is not a multiple of num_attention_heads ",
         c.num_attention_heads);
  c.layer_norm_eps = read_number(j, "layer_norm_eps", 1e-12, source);
  if (!(c.layer_norm_eps > 0)) fail(source, ": layer_norm_eps must be positive");
  c.hidden_act = read_string(j, "hidden_act", "gelu", source);
  if (c.hidden_act != "gelu")
    fail(source, ": hidden_act '", c.hidden_act, "' is not supported (SpliceBERT uses exact 'gelu')");
  std::string position_type = read_string(j, "position_embedding_type", "absolute", source);
  if (position_type != "absolute") fail(source, ": position_embedding_type '", position_type, "' is not supported");
  c.initializer_range = read_number(j, "initializer_range", 0.02, source);
  if (c.layout == Layout::MultiMolecule) {
    c.hidden_dropout = read_number(j, "hidden_dropout", 0.1, source);
    c.attention_dropout = read_number(j, "attention_dropout", 0.1, source);
  } else {
    c.hidden_dropout = read_number(j, "hidden_dropout_prob", 0.1, source);
    c.attention_dropout = read_number(j, "attention_probs_dropout_prob", 0.1, source);
  }

  // Task head: `head` entries win; top-level num_labels / problem_type are the fallback (docs/model.md, "Task heads").
  c.head.kind = head_kind_of(c.architecture);
  json head = j.value("head", json::object());
  if (!head.is_object()) head = json::object();
  c.head.num_labels = read_dimension(head, "num_labels", source, 1, false,
                                     read_dimension(j, "num_labels", source, 1, false, 0));
  c.head.problem_type = read_string(head, "problem_type", read_string(j, "problem_type", "", source), source);
  c.head.dropout = read_number(head, "dropout", 0.0, source);
  c.head.transform = read_string(head, "transform", "none", source);
  c.head.transform_act = read_string(head, "transform_act", "gelu", source);
  c.head.act = read_string(head, "act", "none", source);
  c.head.layer_norm_eps = read_number(head, "layer_norm_eps", 1e-12, source);
  if (auto it = head.find("bias"); it != head.end() && it->is_boolean()) c.head.bias = it->get<bool>();
  if (auto it = j.find("id2label"); it != j.end() && it->is_object() && c.head.num_labels > 0) {
    // {"0": "no_splice", ...}: used only when it names every channel once; another tool's id2label that does not
    // fit (e.g. a default LABEL_0 / LABEL_1 beside another num_labels) is left alone, not refused
    std::vector<std::string> names(static_cast<size_t>(c.head.num_labels));
    bool fits = it->size() == names.size();
    for (const auto& [key, value] : it->items()) {
      size_t index = 0, used = 0;
      try {
        index = std::stoul(key, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != key.size() || index >= names.size() || !value.is_string()) fits = false;
      else names[index] = value.get<std::string>();
    }
    if (fits && std::none_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); }))
      c.head.label_names = std::move(names);
  }
  parse_head_transform(c.head.transform, source);  // the one parser of these spellings (enums.hpp)
  parse_problem_type(c.head.problem_type, source);
  if (c.head.kind != HeadKind::None && c.head.num_labels < 1)
    fail(source, ": ", c.architecture, " needs head.num_labels");
  check_model_size(c, source);
  return c;
}

ModelConfig ModelConfig::from_file(const std::string& path) {
  std::string text = read_file_text(path);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) fail(path, ": not well-formed JSON");
  return from_json(j, path);
}

int64_t ModelConfig::parameter_count(bool with_pooler, bool with_lm_head) const {
  const int64_t C = hidden_size, FF = intermediate_size, V = vocab_size;
  int64_t embeddings = (V + max_position_embeddings + type_vocab_size) * C + 2 * C;
  int64_t layer = 4 * (C * C + C) + 2 * C + (C * FF + FF) + (FF * C + C) + 2 * C;
  int64_t total = embeddings + num_hidden_layers * layer;
  if (with_pooler) total += C * C + C;
  if (with_lm_head) total += C * C + C + 2 * C + V;
  return total;
}

json ModelConfig::to_json(Layout target) const {
  json j;
  j["hidden_size"] = hidden_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["intermediate_size"] = intermediate_size;
  j["max_position_embeddings"] = max_position_embeddings;
  j["type_vocab_size"] = type_vocab_size;
  j["vocab_size"] = vocab_size;
  j["layer_norm_eps"] = layer_norm_eps;
  j["hidden_act"] = hidden_act;
  j["initializer_range"] = initializer_range;
  j["pad_token_id"] = pad_token_id;
  j["position_embedding_type"] = "absolute";
  j["torch_dtype"] = "float32";
  if (target == Layout::Original) {
    j["model_type"] = "bert";
    j["architectures"] = json::array({"BertForMaskedLM"});
    j["hidden_dropout_prob"] = hidden_dropout;
    j["attention_probs_dropout_prob"] = attention_dropout;
    return j;
  }
  j["model_type"] = "splicebert";
  j["architectures"] = json::array({architecture.empty() ? "SpliceBertForPreTraining" : architecture});
  j["hidden_dropout"] = hidden_dropout;
  j["attention_dropout"] = attention_dropout;
  j["bos_token_id"] = 1;
  j["eos_token_id"] = 2;
  j["mask_token_id"] = 4;
  j["null_token_id"] = 5;
  j["unk_token_id"] = 3;
  j["lm_head"] = {{"act", nullptr},        {"bias", true},
                  {"dropout", 0.0},        {"hidden_size", hidden_size},
                  {"layer_norm_eps", layer_norm_eps}, {"output_name", nullptr},
                  {"transform", "nonlinear"}, {"transform_act", "gelu"}};
  auto or_null = [](const std::string& value) { return value.empty() || value == "none" ? json() : json(value); };
  json head_json;
  head_json["act"] = or_null(head.act);
  head_json["bias"] = head.bias;
  head_json["dropout"] = head.dropout;
  head_json["hidden_size"] = nullptr;
  head_json["layer_norm_eps"] = head.layer_norm_eps;
  head_json["num_labels"] = head.num_labels > 0 ? json(head.num_labels) : json();
  head_json["output_name"] = nullptr;
  head_json["problem_type"] = or_null(head.problem_type);
  head_json["transform"] = or_null(head.transform);
  head_json["transform_act"] = head.transform_act;
  j["head"] = head_json;
  if (!head.label_names.empty()) {
    json id2label = json::object(), label2id = json::object();
    for (size_t i = 0; i < head.label_names.size(); ++i) {
      id2label[std::to_string(i)] = head.label_names[i];
      label2id[head.label_names[i]] = static_cast<int>(i);
    }
    j["id2label"] = id2label;
    j["label2id"] = label2id;
  }
  return j;
}

}  // namespace splicebert
