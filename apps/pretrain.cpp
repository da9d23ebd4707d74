// splicebert pretrain --config FILE.json [--resume DIR]: MLM pre-training (docs/training.md). Under
// mpirun / srun every rank runs this verb; rank 0 writes logs and checkpoints.
#include <omp.h>

#include <cstdio>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/pretrain.hpp"

namespace splicebert::cli {
namespace {

struct PretrainCliOptions {
  std::string config, resume;
  int threads = 0;
  bool quiet = false;
};

train::PretrainConfig load_config(const PretrainCliOptions& o) {
  if (!o.config.empty()) return train::PretrainConfig::from_file(o.config);
  return train::recorded_config(o.resume);  // --resume alone: the run's own config
}

int run(const PretrainCliOptions& o) {
  const train::ProcessGroup group = train::process_group();
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
    if (!group.distributed()) throw;
    std::fprintf(stderr, "splicebert pretrain (rank %d): error: %s\n", group.rank, e.what());
    train::abort_all_ranks(1);
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
