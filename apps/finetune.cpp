// splicebert finetune --config FILE.json [--preset splice-site|branchpoint]: trains a task head on a pre-trained
// checkpoint (docs/finetuning.md). A preset supplies SB's recipe; the config's keys override it.
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"

namespace splicebert::cli {
namespace {

struct FinetuneCliOptions {
  std::string config, preset;
  int threads = 0;
  bool quiet = false;
};

int run(const FinetuneCliOptions& o) {
  if (o.config.empty()) fail("give --config FILE.json");
  const nlohmann::json user = nlohmann::json::parse(read_file_text(o.config), nullptr, false);
  if (user.is_discarded() || !user.is_object()) fail(o.config, ": not a well-formed JSON object");
  nlohmann::json merged = o.preset.empty() ? nlohmann::json::object() : finetune::FinetuneConfig::preset(o.preset);
  merged.merge_patch(user);
  if (!o.preset.empty()) merged["preset"] = o.preset;
  const auto config = finetune::FinetuneConfig::from_json(merged, o.config);
  apply_threads(o.threads > 0 ? o.threads : config.threads);
  finetune::RunOptions options;
  options.quiet = o.quiet;
  options.command_line = command_line();
  finetune::run_finetuning(config, options);
  return 0;
}

VerbRegistrar registrar("finetune", "fine-tune a sequence or nucleotide head from a JSON config (folds, seeds, metrics)",
                        [](CLI::App& app) {
  auto o = std::make_shared<FinetuneCliOptions>();
  app.add_option("-c,--config", o->config, "fine-tuning config (JSON; keys in docs/finetuning.md)")->required();
  app.add_option("--preset", o->preset, "SB's recipe as defaults: splice-site | branchpoint")
      ->check(CLI::IsMember({"splice-site", "branchpoint"}));
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  return [o] { return run(*o); };
});

}  // namespace
}  // namespace splicebert::cli
