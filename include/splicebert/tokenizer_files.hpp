// The tokenizer files written beside a checkpoint: vocab.txt (one token per line, no final newline),
// tokenizer_config.json and special_tokens_map.json, in the style of the vocabulary (MultiMolecule RnaTokenizer or
// the original BertTokenizer).
#pragma once
#include <string>
#include <vector>

namespace splicebert {

void write_tokenizer_files(const std::string& dir, const std::vector<std::string>& tokens, int max_positions);

}  // namespace splicebert
