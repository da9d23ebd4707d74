// splicebert pretrain --config FILE.json [--resume DIR]: MLM pre-training (SPEC §7, docs/training.md). Under
// mpirun / srun every rank runs this verb; rank 0 writes logs and checkpoints.
#include <omp.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pretrain.hpp"
#include "train/communicator.hpp"
#include "train/trainer_checkpoint.hpp"

namespace splicebert::cli {
namespace {

struct PretrainCliOptions {
  std::string config, resume;
  int threads = 0;
  bool quiet = false;
};

train::PretrainConfig load_config(const PretrainCliOptions& o) {
  if (!o.config.empty()) return train::PretrainConfig::from_file(o.config);
  // --resume alone: the run's own config, as its checkpoint (or, before the first one, its log header) recorded it.
  const std::string dir = train::detail::resolve_checkpoint(o.resume);
  const std::string path = dir.empty() ? o.resume + "/train_log.jsonl" : dir + "/trainer_state.json";
  const std::string text = read_file_text(path);
  const auto record = nlohmann::json::parse(dir.empty() ? text.substr(0, text.find('\n')) : text, nullptr, false);
  if (record.is_discarded() || !record.contains("config")) fail(path, ": holds no run config; give --config");
  return train::PretrainConfig::from_json(record["config"], path + " (config)");
}

int run(const PretrainCliOptions& o) {
  auto& comm = train::detail::Communicator::world();
  try {
    if (o.config.empty() && o.resume.empty()) fail("give --config FILE.json (and/or --resume DIR)");
    train::PretrainConfig config = load_config(o);
    const int threads = o.threads > 0 ? o.threads : config.threads;
    apply_threads(threads);
    train::PretrainOptions options;
    options.resume = o.resume;
    options.threads = omp_get_max_threads();
    options.quiet = o.quiet;
    options.command_line = command_line();
    train::run_pretraining(config, options);
    return 0;
  } catch (const std::exception& e) {
    if (!comm.distributed()) throw;
    std::fprintf(stderr, "splicebert pretrain (rank %d): error: %s\n", comm.rank(), e.what());
    comm.abort(1);
  }
}

VerbRegistrar registrar("pretrain", "MLM pre-training from a JSON config (stages, checkpoints, resume, MPI)",
                        [](CLI::App& app) {
  auto o = std::make_shared<PretrainCliOptions>();
  app.add_option("-c,--config", o->config, "run config (JSON; keys in docs/training.md)");
  app.add_option("--resume", o->resume, "checkpoint folder, or a run's output folder (its newest checkpoint)");
  app.add_option("-t,--threads", o->threads, "threads per rank (0 = the config's `threads`, else all cores)");
  add_quiet_option(app, o->quiet);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
