// splicebert bench: throughput on the workloads of docs/performance.md, at each thread count, against the measured fp32 FMA peak.
// Each row runs in a child process (this binary re-executed with --row) so that its peak resident memory is its own.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <random>
#include <sstream>

#include "bench_common.hpp"
#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"

namespace splicebert::cli {
namespace {

struct Workload {
  std::string name;
  int64_t batch, tokens;  // tokens per sequence, <cls>/<eos> included
};
const std::vector<Workload> kWorkloads = {{"a", 1, 1026}, {"b", 8, 512}, {"c", 64, 128}, {"d", 1, 66}};

struct BenchOptions {
  std::string model, workloads = "a,b,c,d", threads_list = "1,2", precision = "f32", row;
  int repeats = 5, threads = 0;  // -t N (shared option): one thread count instead of --threads-list
  bool json = false, quiet = false, variants = false, train = false;
};

// One row, in this process: load, warm up, time `repeats` forwards (more for short calls), print one JSON line.
int run_row(const BenchOptions& o) {
  auto parts = bench::split_list(o.row);  // workload,threads,precision
  if (parts.size() != 3) fail("--row expects WORKLOAD,THREADS,PRECISION");
  auto it = std::find_if(kWorkloads.begin(), kWorkloads.end(), [&](const Workload& w) { return w.name == parts[0]; });
  if (it == kWorkloads.end()) fail("unknown workload '", parts[0], "'");
  const Workload w = *it;
  const int threads = std::stoi(parts[1]);
  apply_threads(threads);
  const Precision precision = parse_precision(parts[2], "--row");
  auto model = Model::load(o.model, {.precision = precision});
  const Tokenizer& tok = model->tokenizer();
  std::mt19937 rng(1234);
  std::vector<std::vector<int32_t>> sequences;
  for (int64_t b = 0; b < w.batch; ++b) {
    std::vector<int32_t> nucleotides;
    for (int64_t t = 0; t < w.tokens - 2; ++t) nucleotides.push_back(tok.nucleotide_ids()[rng() % 4]);
    sequences.push_back(tok.with_special_tokens(nucleotides));
  }
  Batch batch = make_batch(sequences, tok.pad_id());
  Session session(model);
  auto time_once = [&] {
    auto start = std::chrono::steady_clock::now();
    session.forward(batch);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double first = time_once();
  time_once();
  const int repeats = std::max(o.repeats, static_cast<int>(std::min(30.0, 1.0 / std::max(first, 1e-6))));
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) times.push_back(time_once());
  std::cout << bench::make_row(w.name, w.batch, w.tokens, threads, parts[2], times,
                               bench::forward_flops(model->config(), w.batch, w.tokens))
                   .dump()
            << std::endl;
  return 0;
}

VerbRegistrar registrar("bench", "benchmark inference throughput (docs/performance.md workloads)", [](CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  app.add_option("-m,--model", o->model, "model folder (default: a built-in base-size random model)");
  app.add_option("--workloads", o->workloads, "comma list of a,b,c,d")->capture_default_str();
  app.add_option("--threads-list", o->threads_list, "comma list of thread counts")->capture_default_str();
  add_threads_option(app, o->threads);  // the shared -t: when given, one count instead of --threads-list
  const CLI::Option* single_count = app.get_option("--threads");
  app.add_option("--precision", o->precision, "comma list of f32 (fp32), bf16 (bfloat16)")->capture_default_str();
  app.add_option("--repeats", o->repeats, "timed runs per row after warm-up (median reported)")->capture_default_str();
  app.add_option("--row", o->row, "internal: run one row in this process")->group("");
  app.add_flag("--variants", o->variants,
               "also variant scoring (variants/s) and ISM (positions/s) rows, as `bench-variants` prints them");
  app.add_flag("--train", o->train,
               "also training-step rows (b = 8x512, a2 = 2x1026; forward + backward + AdamW), as `bench-train` prints "
               "them, at the same threads and precisions");
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  return [o, single_count] {
    if (!o->row.empty()) return run_row(*o);
    const std::vector<int> thread_counts =
        bench::thread_list(o->threads_list, single_count->count() > 0 ? o->threads : -1);
    const std::vector<std::string> precisions = bench::precision_list(o->precision, "--precision");
    std::vector<bench::RowSpec> rows;
    for (const auto& precision : precisions)
      for (const auto& workload : bench::split_list(o->workloads))
        for (int threads : thread_counts) rows.push_back({workload, precision, threads});
    int status = bench::run_rows({"bench", o->model, o->repeats, o->json, o->quiet}, rows);
    std::string threads_list, precision_list;
    for (int threads : thread_counts) threads_list += (threads_list.empty() ? "" : ",") + std::to_string(threads);
    for (const auto& precision : precisions) precision_list += (precision_list.empty() ? "" : ",") + precision;
    if (o->train) {  // the training rows, with the same options (bench-train's code, called directly)
      bench::TrainRequest train;
      train.model = o->model;
      train.threads_list = threads_list;
      train.precisions = precision_list;
      train.repeats = o->repeats;
      train.json = o->json;
      train.quiet = o->quiet;
      if (bench::run_train_rows(train) != 0) status = 1;
    }
    if (o->variants) {  // the variant rows (bench-variants' code), once per thread count, with the same model
      for (int threads : thread_counts) {
        bench::VariantsRequest variants;
        variants.model = o->model;
        variants.threads = threads;
        variants.json = o->json;
        variants.quiet = o->quiet;
        if (bench::run_variant_rows(variants) != 0) status = 1;
      }
    }
    return status;
  };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
