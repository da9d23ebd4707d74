// splicebert info -m DIR: layout, variant, dimensions, vocabulary, parameter count, SHA-256 of the weights.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/build_info.hpp"

namespace splicebert::cli {
namespace {

std::string variant_of(const ModelConfig& c) {
  const bool published_shape = c.num_hidden_layers == 6 && c.hidden_size == 512 && c.num_attention_heads == 16 &&
                               c.intermediate_size == 2048;
  std::string size = published_shape ? "SpliceBERT-size" : "custom size";
  if (c.max_position_embeddings == 1026) return size + ", 1024 nt (splicebert / SpliceBERT.1024nt shape)";
  if (c.max_position_embeddings == 512) return size + ", 510 nt (splicebert.510nt shape)";
  return size + ", " + std::to_string(c.max_position_embeddings - 2) + " nt";
}

const char* head_name(HeadKind kind) {
  switch (kind) {
    case HeadKind::Sequence: return "sequence";
    case HeadKind::Token: return "token";
    case HeadKind::Contact: return "contact";
    default: return "none";
  }
}

struct InfoOptions {
  std::string model;
  bool json = false;
};

VerbRegistrar registrar("info", "describe a model: layout, dimensions, vocabulary, parameters, checksum",
                        [](CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  add_model_option(app, options->model);
  add_json_option(app, options->json);
  return [options] {
    auto model = Model::load(options->model);
    const ModelConfig& c = model->config();
    const auto& w = model->weights();
    nlohmann::ordered_json j;
    j["model"] = options->model;
    j["weights_file"] = model->weights_file();
    j["sha256"] = model->weights_sha256();
    j["cpu_path"] = build_info().cpu_path;  // the kernels this run uses (cpuid or $SPLICEBERT_ISA)
    j["layout"] = c.layout == Layout::Original ? "original (SpliceBERT / HF BERT)" : "MultiMolecule";
    j["variant"] = variant_of(c);
    j["layers"] = c.num_hidden_layers;
    j["hidden_size"] = c.hidden_size;
    j["attention_heads"] = c.num_attention_heads;
    j["intermediate_size"] = c.intermediate_size;
    j["max_positions"] = c.max_position_embeddings;
    j["max_nucleotides"] = c.max_position_embeddings - 2;
    j["vocab_size"] = c.vocab_size;
    j["vocabulary"] = model->tokenizer().tokens();
    j["parameters"] = model->parameter_count();
    j["mlm_head"] = w.lm_head.has_value();
    j["pooler"] = w.pooler.has_value();
    j["task_head"] = head_name(c.head.kind);
    if (options->json) {
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    for (auto& [key, value] : j.items()) {
      std::string text;
      if (key == "vocabulary") {
        for (const auto& token : value) text += (text.empty() ? "" : " ") + token.get<std::string>();
      } else {
        text = value.is_string() ? value.get<std::string>() : value.dump();
      }
      std::cout << key << "\t" << text << "\n";
    }
    return 0;
  };
});

}  // namespace
}  // namespace splicebert::cli
