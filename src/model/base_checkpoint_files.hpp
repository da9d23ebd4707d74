// The text files of the base test checkpoint (config.json, tokenizer files, vocab.txt), exactly as
// fixtures/base/gen_base_checkpoint.py writes them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "splicebert/base_checkpoint.hpp"

namespace splicebert::base_checkpoint {

const std::vector<std::string>& vocabulary();  // the 28-token MultiMolecule alphabet, in id order
nlohmann::json config_json(const BaseCheckpointSpec& spec);
nlohmann::json tokenizer_config_json(const BaseCheckpointSpec& spec);
nlohmann::json special_tokens_map_json();
// The text Python's json.dumps(value, indent=2, sort_keys=True) + "\n" gives for these (ASCII-only) objects.
std::string python_json_text(const nlohmann::json& value);

}  // namespace splicebert::base_checkpoint
