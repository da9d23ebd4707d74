#include "model/tensor_names.hpp"

#include <utility>
#include <vector>

namespace splicebert {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

std::string replace_prefix(const std::string& s, const std::string& from, const std::string& to) {
  return to + s.substr(from.size());
}

}  // namespace

std::optional<std::string> canonical_tensor_name(const std::string& name) {
  if (name == "bert.embeddings.position_ids" || name == "model.embeddings.position_ids" ||
      name == "splicebert.embeddings.position_ids")
    return std::nullopt;
  // Tied copies: the decoder weight is the word-embedding table and its bias is lm_head.bias.
  if (name == "lm_head.decoder.weight" || name == "lm_head.decoder.bias" || name == "cls.predictions.decoder.weight" ||
      name == "cls.predictions.decoder.bias")
    return std::nullopt;
  std::string n = name;
  if (starts_with(n, "bert.")) n = replace_prefix(n, "bert.", "model.");
  else if (starts_with(n, "splicebert.")) n = replace_prefix(n, "splicebert.", "model.");
  else if (starts_with(n, "cls.predictions.")) n = replace_prefix(n, "cls.predictions.", "lm_head.");
  n = replace_all(n, "LayerNorm", "layer_norm");
  if (n.size() > 6 && n.compare(n.size() - 6, 6, ".gamma") == 0) n = n.substr(0, n.size() - 6) + ".weight";
  if (n.size() > 5 && n.compare(n.size() - 5, 5, ".beta") == 0) n = n.substr(0, n.size() - 5) + ".bias";
  return n;
}

std::string original_tensor_name(const std::string& mm) {
  std::string n = mm;
  if (starts_with(n, "model.")) n = replace_prefix(n, "model.", "bert.");
  else if (starts_with(n, "lm_head.")) n = replace_prefix(n, "lm_head.", "cls.predictions.");
  return replace_all(n, "layer_norm", "LayerNorm");
}

}  // namespace splicebert
