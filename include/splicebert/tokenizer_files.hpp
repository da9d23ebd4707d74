// The tokenizer files written beside a checkpoint: vocab.txt (one token per line, no final newline),
// tokenizer_config.json and special_tokens_map.json, in the style of the vocabulary (MultiMolecule RnaTokenizer or
// the original BertTokenizer).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace splicebert {

// The two JSON files' contents for a vocabulary (MultiMolecule or original style).
nlohmann::json tokenizer_config_json(const std::vector<std::string>& tokens, int max_positions);
nlohmann::json special_tokens_map_json(const std::vector<std::string>& tokens);

void write_tokenizer_files(const std::string& dir, const std::vector<std::string>& tokens, int max_positions);

}  // namespace splicebert
