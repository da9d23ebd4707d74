// splicebert finetune --config FILE.json [--preset splice-site|splice-site-token|branchpoint]: trains a task head on a pre-trained
// checkpoint (docs/finetuning.md). A preset supplies SB's recipe; the config's keys override it.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"

namespace splicebert::cli {
namespace {

struct FinetuneCliOptions {
  std::string config, preset, resume;
  int threads = 0;
  bool quiet = false;
};

nlohmann::json read_json_object(const std::string& path) {
  const nlohmann::json value = nlohmann::json::parse(read_file_text(path), nullptr, false);
  if (value.is_discarded() || !value.is_object()) fail(path, ": not a well-formed JSON object");
  return value;
}

int run(const FinetuneCliOptions& o) {
  if (o.config.empty() == o.resume.empty()) fail("finetune: give either --config FILE.json or --resume RUN_DIR");
  nlohmann::json merged;
  std::string source;
  if (!o.resume.empty()) {  // the config as the run recorded it, preset already merged
    source = o.resume + "/finetune_config.json";
    if (!std::filesystem::exists(source)) fail(o.resume, ": no finetune_config.json (not a finetune run folder)");
    merged = read_json_object(source);
    if (!o.preset.empty()) fail("finetune: --preset does not go with --resume (the run's config has it merged)");
  } else {
    source = o.config;
    merged = o.preset.empty() ? nlohmann::json::object() : finetune::FinetuneConfig::preset(o.preset);
    merged.merge_patch(read_json_object(o.config));
    if (!o.preset.empty()) merged["preset"] = o.preset;
  }
  const auto config = finetune::FinetuneConfig::from_json(merged, source);
  if (!o.resume.empty() && std::filesystem::weakly_canonical(config.output) !=
                               std::filesystem::weakly_canonical(o.resume))
    fail(source, ": its output is '", config.output, "', not the folder given to --resume");
  apply_threads(o.threads > 0 ? o.threads : config.threads);
  finetune::RunOptions options;
  options.quiet = o.quiet;
  options.command_line = command_line();
  options.resume = !o.resume.empty();
  finetune::run_finetuning(config, options);
  return 0;
}

VerbRegistrar registrar("finetune", "fine-tune a sequence or nucleotide head from a JSON config (folds, seeds, metrics)",
                        [](CLI::App& app) {
  auto o = std::make_shared<FinetuneCliOptions>();
  app.add_option("-c,--config", o->config, "fine-tuning config (JSON; keys in docs/finetuning.md)");
  app.add_option("--resume", o->resume,
                 "continue a run folder: finished (seed, fold) runs are kept, the others trained (its config is used)");
  app.add_option("--preset", o->preset, "a recipe as defaults: splice-site | splice-site-token | branchpoint")
      ->check(CLI::IsMember({"splice-site", "splice-site-token", "branchpoint"}));
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
