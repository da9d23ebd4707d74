// splicebert fill-mask -m DIR [--top-k K] [--json] SEQ…: top-k candidates at every <mask> (docs/model.md, "Pipelines").
// JSON follows transformers' pipeline: one input with one mask -> a list of candidates; several masks -> one list
// per mask; several inputs -> one such entry per input.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert::cli {
namespace {

struct FillMaskCliOptions {
  std::string model, input;
  Precision precision = Precision::F32;
  std::vector<std::string> sequences;
  int top_k = 5, threads = 0;
  bool json = false, nucleotides_only = false, no_t_to_u = false, quiet = false;
};

nlohmann::ordered_json candidates_json(const std::vector<FillMaskCandidate>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : list)
    out.push_back({{"score", c.score}, {"token", c.token}, {"token_str", c.token_str}, {"sequence", c.sequence}});
  return out;
}

VerbRegistrar registrar("fill-mask", "predict the tokens at <mask> positions", [](CLI::App& app) {
  auto options = std::make_shared<FillMaskCliOptions>();
  add_model_option(app, options->model);
  add_input_option(app, options->input, "FASTA file of masked sequences ('-' = stdin)");
  add_threads_option(app, options->threads);
  add_json_option(app, options->json);
  add_no_t_to_u_option(app, options->no_t_to_u);
  add_quiet_option(app, options->quiet);
  add_precision_option(app, options->precision);
  app.add_option("-k,--top-k", options->top_k, "candidates per mask")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_flag("--nucleotides-only", options->nucleotides_only, "only A, C, G, U as candidates");
  app.add_option("sequences", options->sequences, "sequences with <mask> tokens");
  return [options] {
    apply_threads(options->threads);
    LoadOptions load{.require_lm_head = true,
                     .precision = options->precision};
    auto model = Model::load(options->model, load);
    Session session(model);
    const auto inputs = collect_sequences(options->sequences, options->input);
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    if (!options->json) std::printf("input\tmask\trank\ttoken\ttoken_str\tscore\tsequence\n");
    Tokenizer tokenizer = model->tokenizer();
    tokenizer.set_t_to_u(!options->no_t_to_u);
    for (const auto& [name, text] : inputs) {
      auto encoded = tokenizer.encode(text);
      report_unknown_characters("fill-mask", name, encoded.unknown, tokenizer, options->quiet);
      warn_if_short("fill-mask", name, static_cast<int64_t>(encoded.ids.size()) - 2, options->quiet);
      auto results = fill_mask(session, text, {.top_k = options->top_k, .nucleotides_only = options->nucleotides_only,
                                               .t_to_u = !options->no_t_to_u});
      if (options->json) {
        if (results.size() == 1) {
          all.push_back(candidates_json(results[0]));
        } else {
          nlohmann::ordered_json per_mask = nlohmann::ordered_json::array();
          for (const auto& list : results) per_mask.push_back(candidates_json(list));
          all.push_back(per_mask);
        }
        continue;
      }
      for (size_t m = 0; m < results.size(); ++m)
        for (size_t r = 0; r < results[m].size(); ++r) {
          const auto& c = results[m][r];
          std::printf("%s\t%zu\t%zu\t%d\t%s\t%.6f\t%s\n", name.c_str(), m + 1, r + 1, c.token, c.token_str.c_str(),
                      c.score, c.sequence.c_str());
        }
    }
    if (options->json) std::cout << (inputs.size() == 1 ? all[0] : all).dump(1) << "\n";
    return 0;
  };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
