// splicebert eval-mlm -m DIR --test PREFIX[,PREFIX…]: a model's held-out masked-nucleotide accuracy (plain and
// balanced) on window shards, on the positions `kmer-baseline --max-k K` scores (protocol: heldout_mlm.hpp), so
// the model card can set the two side by side (issue 5 item 6).
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "mlm_report.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/heldout_mlm.hpp"
#include "splicebert/io.hpp"

namespace splicebert::cli {
namespace {

struct EvalMlmArgs {
  std::string model, output;
  Precision precision = Precision::F32;
  std::vector<std::string> test;
  train::MaskedEvaluationOptions evaluation;
  int threads = 0;
  bool json = false, quiet = false;
};

std::vector<std::string> read_windows(const std::string& prefix) {
  const auto shard = genome::WindowShard::open(prefix);
  std::vector<std::string> windows;
  windows.reserve(shard.size());
  for (size_t i = 0; i < shard.size(); ++i) windows.emplace_back(shard.window(i));
  return windows;
}

int run(const EvalMlmArgs& args) {
  const auto prefixes = split_comma_lists(args.test);
  if (prefixes.empty()) throw Error("eval-mlm: --test needs at least one shard prefix");
  apply_threads(args.threads);
  LoadOptions load{.require_lm_head = true, .precision = args.precision, .pooler_file = {}};
  auto model = Model::load(args.model, load);
  Session session(model);
  const Progress progress{args.quiet};

  nlohmann::ordered_json report;
  for (const auto& [key, value] : provenance(model.get())) report["provenance"][key] = value;
  report["context_order"] = args.evaluation.context_order;
  report["spacing"] = args.evaluation.spacing;
  report["passes"] = args.evaluation.passes == 0 ? args.evaluation.spacing : args.evaluation.passes;
  report["positions"] = "held-out positions whose 2*context_order neighbours exist in the window and, with the "
                        "target, are ACGTU (kmer-baseline's rule for --max-k = context_order); masked alone within "
                        "+-context_order; prediction = argmax over A, C, G, U";
  std::vector<std::pair<std::string, train::MlmStats>> results;
  for (const std::string& prefix : prefixes) {
    const auto windows = read_windows(prefix);
    const auto start = std::chrono::steady_clock::now();
    int64_t last_report = -1;
    const auto stats = train::evaluate_masked_nucleotides(
        session, windows, args.evaluation, [&](int64_t done, int64_t total) {
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const int64_t bucket = static_cast<int64_t>(seconds / 10);
          if (bucket == last_report && done != total) return;
          last_report = bucket;
          char line[200];
          std::snprintf(line, sizeof line, "eval-mlm %s: %lld/%lld rows, %.1f rows/s", prefix.c_str(),
                        static_cast<long long>(done), static_cast<long long>(total), done / std::max(seconds, 1e-9));
          progress.message(line);
        });
    auto entry = mlm_stats_json(stats);
    entry["windows"] = windows.size();
    report["test"][prefix] = entry;
    results.emplace_back(prefix, stats);
  }

  if (!args.output.empty()) {
    AtomicOutput out(args.output, false);
    out.stream() << report.dump(2) << "\n";
    out.commit();
  }
  if (args.json) {
    std::cout << report.dump(2) << "\n";
    return 0;
  }
  std::cout << "test\tpositions\taccuracy\tbalanced_accuracy\tloss\n" << std::fixed << std::setprecision(4);
  for (const auto& [prefix, stats] : results)
    std::cout << prefix << "\t" << stats.labelled << "\t" << stats.accuracy() << "\t" << stats.balanced_accuracy()
              << "\t" << stats.loss() << "\n";
  return 0;
}

VerbRegistrar registrar("eval-mlm", "held-out masked-nucleotide accuracy on window shards (kmer-baseline's positions)",
                        [](CLI::App& app) {
  auto args = std::make_shared<EvalMlmArgs>();
  add_model_option(app, args->model);
  app.add_option("--test", args->test, "held-out shard prefixes (PREFIX.test …), comma-separated")->required();
  app.add_option("--context-k", args->evaluation.context_order,
                 "score positions with this many ACGTU neighbours on each side (kmer-baseline's --max-k)")
      ->capture_default_str()->check(CLI::Range(0, 15));
  app.add_option("--spacing", args->evaluation.spacing,
                 "distance between positions masked in the same pass (>= 2*context-k+1)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--passes", args->evaluation.passes, "passes (0 = spacing: every position once; fewer = a subset)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  add_max_tokens_option(app, args->evaluation.batch_tokens);
  add_threads_option(app, args->threads);
  add_precision_option(app, args->precision);
  add_json_option(app, args->json);
  add_quiet_option(app, args->quiet);
  add_output_option(app, args->output, "also write the JSON report to FILE");
  return [args] { return run(*args); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
