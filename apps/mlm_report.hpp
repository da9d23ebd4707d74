// Shared by the verbs that report held-out masked-nucleotide accuracy (kmer-baseline, eval-mlm): window shards as a
// list of prefixes, and MlmStats as JSON, so both reports have the same fields and can be compared line by line.
#pragma once
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "splicebert/train.hpp"

namespace splicebert::cli {

// "a,b" "c" -> {a, b, c}; empty items dropped.
std::vector<std::string> split_comma_lists(const std::vector<std::string>& values);

// {positions, accuracy, balanced_accuracy, loss, recall{A,C,G,U}, count{A,C,G,U}}
nlohmann::ordered_json mlm_stats_json(const train::MlmStats& stats);

}  // namespace splicebert::cli
