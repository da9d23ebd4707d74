// Small pre-training runs for the CLI tests: a deterministic FASTA corpus and a tiny-model config.
#pragma once
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert::test {

// `records` random A/C/G/T records of 150-600 nt (plus soft-masked and N stretches) from a fixed LCG.
inline void write_random_fasta(const std::string& path, int records, uint64_t seed) {
  std::ofstream out(path);
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int r = 0; r < records; ++r) {
    out << ">rec" << r << "\n";
    const int length = 150 + static_cast<int>(next() % 450);
    for (int i = 0; i < length; ++i) out << "ACGTacgtNACGT"[next() % 13] << ((i + 1) % 60 ? "" : "\n");
    out << "\n";
  }
}

// A two-stage run on the tiny dimensions; every step takes milliseconds.
inline nlohmann::json tiny_pretrain_config(const std::string& output_dir, const std::string& train_fasta,
                                           const std::string& valid_fasta) {
  return {{"output_dir", output_dir},
          {"seed", 11},
          {"model",
           {{"vocab", "26"}, {"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
            {"intermediate_size", 64}}},
          {"data", {{"train", {train_fasta}}, {"validation", {valid_fasta}}}},
          {"optimizer", {{"lr", 1e-3}}},
          {"scheduler", {{"patience", 1}, {"warmup_steps", 3}}},
          {"clip_grad_norm", 1.0},
          {"batch_tokens", 512},
          {"accumulation", 2},
          {"validation_every", 4},
          {"checkpoint_every", 5},
          {"keep_checkpoints", 2},
          {"stages",
           {{{"name", "stage1"}, {"steps", 18}, {"min_length", 62}, {"max_length", 62},
             {"max_position_embeddings", 64}},
            {{"name", "stage2"}, {"steps", 12}, {"min_length", 20}, {"max_length", 126},
             {"max_position_embeddings", 128}}}}};
}

inline void write_json(const std::string& path, const nlohmann::json& value) {
  std::ofstream(path) << value.dump(2);
}

// Values of `key` in the log's records of type `type`, in order.
inline std::vector<double> log_values(const std::string& log_path, const std::string& type, const std::string& key) {
  std::vector<double> values;
  std::ifstream in(log_path);
  for (std::string line; std::getline(in, line);) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (!record.is_discarded() && record.value("type", "") == type) values.push_back(record.at(key).get<double>());
  }
  return values;
}

}  // namespace splicebert::test
