// splicebert kmer-baseline --train PREFIX[,PREFIX…] --test PREFIX[,PREFIX…]: the order-k two-sided context baseline
// (include/splicebert/kmer_baseline.hpp) fitted on window shards for k = 1 … --max-k and scored on held-out shards,
// the bar a pre-trained model's MLM accuracy has to clear (issue 5 item 6).
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "mlm_report.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"
#include "splicebert/kmer_baseline.hpp"

namespace splicebert::cli {
namespace {

struct KmerArgs {
  std::vector<std::string> train, test;
  int max_k = 6;
  uint64_t max_memory_mib = 1024;
  bool json = false, quiet = false;
  std::string output;
};

train::SequenceSource shard_source(const std::vector<std::string>& prefixes) {
  auto shards = std::make_shared<std::vector<genome::WindowShard>>();
  for (const std::string& prefix : prefixes) shards->push_back(genome::WindowShard::open(prefix));
  return [shards](const std::function<void(std::string_view)>& visit) {
    for (const auto& shard : *shards)
      for (size_t i = 0; i < shard.size(); ++i) visit(shard.window(i));
  };
}

int run(const KmerArgs& args) {
  const auto train_prefixes = split_comma_lists(args.train), test_prefixes = split_comma_lists(args.test);
  if (train_prefixes.empty()) throw Error("kmer-baseline: --train needs at least one shard prefix");
  if (test_prefixes.empty()) throw Error("kmer-baseline: --test needs at least one shard prefix");
  train::KmerBaselineOptions options;
  options.max_k = args.max_k;
  options.max_memory = args.max_memory_mib << 20;
  const auto train_source = shard_source(train_prefixes), test_source = shard_source(test_prefixes);
  const auto report = train::run_kmer_baseline(train_source, test_source, options);
  if (report.max_k < report.requested_max_k && !args.quiet)
    std::fprintf(stderr, "kmer-baseline: --max-k %d capped to %d: order %d needs %llu MiB, over --max-memory %llu MiB\n",
                 report.requested_max_k, report.max_k, report.max_k + 1,
                 static_cast<unsigned long long>(train::ContextModel::memory_bytes(report.max_k + 1) >> 20),
                 static_cast<unsigned long long>(args.max_memory_mib));

  nlohmann::ordered_json j;
  j["train"] = train_prefixes;
  j["test"] = test_prefixes;
  j["requested_max_k"] = report.requested_max_k;
  j["max_k"] = report.max_k;
  j["max_memory_mib"] = args.max_memory_mib;
  j["positions"] = "held-out positions whose 2*max_k neighbours exist in the window and, with the target, are ACGTU";
  j["command_line"] = command_line();
  for (const auto& fit : report.fits) {
    nlohmann::ordered_json f;
    f["k"] = fit.k;
    f["training_positions"] = fit.training_positions;
    f["contexts_seen"] = fit.contexts_seen;
    f["contexts_possible"] = fit.contexts_possible;
    f["test"] = mlm_stats_json(fit.stats);
    j["fits"].push_back(f);
  }
  const auto& best = report.fits[report.best_accuracy];
  const auto& best_balanced = report.fits[report.best_balanced];
  j["best_accuracy"] = {{"k", best.k}, {"accuracy", best.stats.accuracy()}};
  j["best_balanced_accuracy"] = {{"k", best_balanced.k}, {"balanced_accuracy", best_balanced.stats.balanced_accuracy()}};

  if (!args.output.empty()) {
    AtomicOutput out(args.output, false);
    out.stream() << j.dump(2) << "\n";
    out.commit();
  }
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "k\tcontexts_seen\tcontexts_possible\ttest_positions\taccuracy\tbalanced_accuracy\n";
  std::cout << std::fixed << std::setprecision(4);
  for (const auto& fit : report.fits)
    std::cout << fit.k << "\t" << fit.contexts_seen << "\t" << fit.contexts_possible << "\t" << fit.stats.labelled
              << "\t" << fit.stats.accuracy() << "\t" << fit.stats.balanced_accuracy() << "\n";
  std::cout << "best accuracy: k=" << best.k << " " << best.stats.accuracy() << "\n";
  std::cout << "best balanced accuracy: k=" << best_balanced.k << " " << best_balanced.stats.balanced_accuracy()
            << "\n";
  return 0;
}

VerbRegistrar registrar("kmer-baseline",
                        "fit order-k two-sided context models on window shards and score held-out MLM accuracy",
                        [](CLI::App& app) {
  auto args = std::make_shared<KmerArgs>();
  app.add_option("--train", args->train, "training shard prefixes (PREFIX.train …), comma-separated")->required();
  app.add_option("--test", args->test, "held-out shard prefixes, comma-separated")->required();
  app.add_option("--max-k", args->max_k, "largest order k fitted (k = 1 … max-k)")->capture_default_str();
  app.add_option("--max-memory", args->max_memory_mib,
                 "MiB for one order's count table (4^(2k+1) uint32); caps --max-k (k=6: 256 MiB, k=7: 4096 MiB)")
      ->capture_default_str();
  add_json_option(app, args->json);
  add_quiet_option(app, args->quiet);
  add_output_option(app, args->output, "also write the JSON report to FILE");
  return [args] { return run(*args); };
});

}  // namespace
}  // namespace splicebert::cli
