// splicebert tokenize -m DIR [SEQ… | -i FASTA] [--json]: token ids and attention mask per sequence.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace splicebert::cli {
namespace {

struct TokenizeOptions {
  std::string model, input;
  std::vector<std::string> sequences;
  bool json = false, no_t_to_u = false, quiet = false;
};

VerbRegistrar registrar("tokenize", "print token ids and attention masks", [](CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  add_model_option(app, options->model);
  add_input_option(app, options->input, "FASTA file of sequences ('-' = stdin)");
  add_json_option(app, options->json);
  add_no_t_to_u_option(app, options->no_t_to_u);
  add_quiet_option(app, options->quiet);
  app.add_option("sequences", options->sequences, "sequences to tokenize");
  return [options] {
    // Only the vocabulary is needed: no weights are read.
    Tokenizer tokenizer = Tokenizer::from_vocab_file(options->model + "/vocab.txt");
    tokenizer.set_t_to_u(!options->no_t_to_u);
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const auto& [name, text] : collect_sequences(options->sequences, options->input)) {
      auto encoded = tokenizer.encode(text);
      report_unknown_characters("tokenize", name, encoded.unknown, tokenizer, options->quiet);
      if (options->json) {
        all.push_back({{"name", name},
                       {"input_ids", encoded.ids},
                       {"attention_mask", std::vector<int>(encoded.ids.size(), 1)},
                       {"unknown", encoded.unknown}});
        continue;
      }
      std::cout << name << "\t";
      for (size_t i = 0; i < encoded.ids.size(); ++i) std::cout << (i ? " " : "") << encoded.ids[i];
      std::cout << "\t";
      for (size_t i = 0; i < encoded.ids.size(); ++i) std::cout << (i ? " " : "") << 1;
      std::cout << "\n";
    }
    if (options->json) std::cout << all.dump() << "\n";
    return 0;
  };
});

}  // namespace
}  // namespace splicebert::cli
