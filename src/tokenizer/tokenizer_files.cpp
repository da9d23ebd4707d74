#include "splicebert/tokenizer_files.hpp"

#include <nlohmann/json.hpp>

#include "splicebert/io.hpp"

namespace splicebert {

using nlohmann::json;

namespace {

void write_text(const std::string& path, const std::string& text) {
  AtomicOutput file(path, false);
  file.stream() << text;
  file.commit();
}

bool is_original(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens)
    if (t == "[CLS]") return true;
  return false;
}

}  // namespace

json special_tokens_map_json(const std::vector<std::string>& tokens) {
  if (is_original(tokens))
    return {{"cls_token", "[CLS]"}, {"mask_token", "[MASK]"}, {"pad_token", "[PAD]"},
            {"sep_token", "[SEP]"}, {"unk_token", "[UNK]"}};
  return {{"additional_special_tokens", {"<null>"}}, {"bos_token", "<cls>"}, {"cls_token", "<cls>"},
          {"eos_token", "<eos>"},  {"mask_token", "<mask>"}, {"pad_token", "<pad>"},
          {"sep_token", "<eos>"},  {"unk_token", "<unk>"}};
}

json tokenizer_config_json(const std::vector<std::string>& tokens, int max_positions) {
  json config = special_tokens_map_json(tokens);
  if (is_original(tokens)) {
    config["do_lower_case"] = false;
    config["do_basic_tokenize"] = true;
    config["tokenizer_class"] = "BertTokenizer";
    config["model_max_length"] = max_positions;
    return config;
  }
  json decoder = json::object();
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t.size() < 3 || t.front() != '<' || t.back() != '>') continue;
    decoder[std::to_string(i)] = {{"content", t},    {"lstrip", false},      {"normalized", false},
                                  {"rstrip", false}, {"single_word", false}, {"special", true}};
  }
  config["added_tokens_decoder"] = decoder;
  config["clean_up_tokenization_spaces"] = true;
  config["codon"] = false;
  config["model_max_length"] = max_positions;
  config["nmers"] = 1;
  config["replace_T_with_U"] = true;
  config["tokenizer_class"] = "RnaTokenizer";
  return config;
}

void write_tokenizer_files(const std::string& dir, const std::vector<std::string>& tokens, int max_positions) {
  std::string vocab;
  for (size_t i = 0; i < tokens.size(); ++i) vocab += (i ? "\n" : "") + tokens[i];
  write_text(dir + "/vocab.txt", vocab);
  write_text(dir + "/tokenizer_config.json", tokenizer_config_json(tokens, max_positions).dump(2) + "\n");
  write_text(dir + "/special_tokens_map.json", special_tokens_map_json(tokens).dump(2) + "\n");
}

}  // namespace splicebert
