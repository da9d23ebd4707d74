// What `bench` and `bench-train` share: list parsing, the FLOP count, peak RSS, the built-in base-size model, and
// the parent loop that runs each row in a child process (this binary re-executed with --row) and prints the table
// or JSON lines.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.hpp"

namespace splicebert::cli::bench {

std::vector<std::string> split_list(const std::string& text);

// Encoder FLOPs of one forward (docs/performance.md): 2 × matmul parameters × tokens + layers × 4 × T² × C per sequence.
double forward_flops(const ModelConfig& config, int64_t batch, int64_t tokens);

double peak_rss_megabytes();

// The JSON row a child prints: workload, batch, tokens, threads, precision, repeats, seconds_median, tokens_per_s,
// gflops, peak_rss_mb (the parent adds peak_fraction and fma_peak_gflops).
nlohmann::ordered_json make_row(const std::string& workload, int64_t batch, int64_t tokens, int threads,
                                const std::string& precision, const std::vector<double>& seconds, double flops);

struct RowSpec {
  std::string workload, precision;
  int threads = 1;
};

struct ParentOptions {
  std::string verb, model;  // model empty: a base-size random model is written to a temporary folder
  int repeats = 5;
  bool json = false, quiet = false;
};

// `bench --train` and `bench-train`: training-step rows.
struct TrainRequest {
  std::string model, workloads = "b,a2", threads_list = "1,2", precisions = "f32";
  int repeats = 5;
  bool json = false, quiet = false;
};
int run_train_rows(const TrainRequest& request);

// `bench --variants` and `bench-variants`: variant-scoring and ISM rows at one thread count.
struct VariantsRequest {
  Precision precision = Precision::F32;
  std::string model;
  int64_t window = 510, variants = 24, ism_positions = 8, max_tokens = 16384;
  int threads = 0, repeats = 3;
  bool json = false, quiet = false;
};
int run_variant_rows(VariantsRequest request);

// A comma list of precisions in any accepted spelling (parse_precision), as canonical names ("f32", "bf16").
std::vector<std::string> precision_list(const std::string& text, const std::string& option);
// A comma list of thread counts (each ≥ 1), or -t N alone when `single` ≥ 0 was given (0 = all cores).
std::vector<int> thread_list(const std::string& text, int single);

// Runs every row in a child (`VERB -q --row WORKLOAD,THREADS,PRECISION --repeats R -m MODEL`), prints the table (or
// JSON lines) with % of the fp32 FMA peak measured here per thread count. Returns the exit status.
int run_rows(const ParentOptions& options, const std::vector<RowSpec>& rows);

}  // namespace splicebert::cli::bench
