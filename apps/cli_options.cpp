// Options shared between verbs, each declared once.
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/build_info.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/io.hpp"
#include "splicebert/shard.hpp"

namespace splicebert::cli {

std::string default_model_dir() {
  if (const char* env = std::getenv("SPLICEBERT_MODEL"); env && *env) return env;
  return shipped_model_dir();
}

std::string shipped_model_dir() {
  // The model shipped with the sources (models/default), found next to the build or the installed binary.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      for (auto candidate : {dir / "models" / "default", dir / "share" / "splicebert" / "models" / "default"}) {
        if (std::filesystem::exists(candidate / "config.json", ec)) return candidate.string();
      }
    }
  }
  return "models/default";
}

std::string default_splice_model_dir() {
  if (const char* env = std::getenv("SPLICEBERT_SPLICE_MODEL"); env && *env) return env;
  // The shipped splice-site model sits beside the shipped default model (sources, build tree or install prefix).
  const std::filesystem::path shipped = std::filesystem::path(shipped_model_dir()).parent_path() / "splice-site";
  std::error_code ec;
  return std::filesystem::exists(shipped / "config.json", ec) ? shipped.string() : "none";
}

void add_splice_delta_options(CLI::App& app, std::string& splice_model, int64_t& distance) {
  splice_model = default_splice_model_dir();
  app.add_option("--splice-model", splice_model,
                 "splice-site model (3-channel token head) for SpliceAI-style deltas; 'none' = off (default: "
                 "$SPLICEBERT_SPLICE_MODEL, else the shipped models/splice-site)")
      ->capture_default_str();
  app.add_option("--distance", distance, "deltas look this many nt either side of the variant")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{5000}));
}

void add_model_option(CLI::App& app, std::string& model_dir) {
  model_dir = default_model_dir();
  app.add_option("-m,--model", model_dir, "model folder (MultiMolecule or original layout)")
      ->capture_default_str();
}

void add_threads_option(CLI::App& app, int& threads) {
  threads = 0;
  app.add_option("-t,--threads", threads, "threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) {
            return text.starts_with("-") ? text + " is not a thread count (0 = all cores, or N >= 1)"
                                         : std::string();
          },
          "N>=0"));
}

void add_quiet_option(CLI::App& app, bool& quiet) {
  app.add_flag("-q,--quiet", quiet, "no progress messages on stderr");
}

namespace {
CLI::Validator validator_from(void (*check)(const std::string&), const char* what) {
  return CLI::Validator(
      [check](std::string& path) {
        try {
          check(path);
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      },
      what);
}
}  // namespace

CLI::Validator writable_output_file() { return validator_from(check_output_path, "FILE"); }

void add_output_option(CLI::App& app, std::string& output, const std::string& help) {
  app.add_option("-o,--output", output, help)->check(writable_output_file());
}

void add_output_folder_option(CLI::App& app, std::string& output, const std::string& help) {
  app.add_option("-o,--output", output, help)->check(validator_from(check_output_prefix, "DIR"));
}

void add_output_prefix_option(CLI::App& app, std::string& output, const std::string& help) {
  app.add_option("-o,--output", output, help)->check(validator_from(check_output_prefix, "PREFIX"));
}

void add_input_option(CLI::App& app, std::string& input, const std::string& help) {
  app.add_option("-i,--input", input, help);
}

void add_json_option(CLI::App& app, bool& json) { app.add_flag("--json", json, "print JSON instead of a table"); }

void add_no_t_to_u_option(CLI::App& app, bool& no_t_to_u) {
  app.add_flag("--no-t-to-u", no_t_to_u, "keep T as T instead of converting it to U");
}

void add_precision_option(CLI::App& app, Precision& precision) {
  precision = Precision::F32;
  app.add_option_function<std::string>(
         "--precision", [&precision](const std::string& text) { precision = parse_precision(text, "--precision"); },
         "compute precision: f32 (fp32, float32) or bf16 (bfloat16)")
      ->default_str("f32")
      ->check(CLI::Validator(
          [](std::string& text) {
            try {
              parse_precision(text, "");  // CLI11 puts the option's name in front
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "f32|bf16"));
}

void add_skip_bad_option(CLI::App& app, bool& skip_bad) {
  app.add_flag("--skip-bad", skip_bad, "skip malformed records with a counted warning instead of stopping");
}

void add_max_tokens_option(CLI::App& app, int64_t& max_tokens) {
  app.add_option("--max-tokens", max_tokens, "token budget per forward batch")->capture_default_str();
}

void add_window_option(CLI::App& app, int64_t& window, const std::string& help) {
  app.add_option("--window", window, help);
}

void add_stride_option(CLI::App& app, int64_t& stride) {
  app.add_option("--stride", stride, "window stride for long records (default: window - 128)");
}

void add_feature_option(CLI::App& app, std::string& feature) {
  app.add_option("--feature", feature, "which sequences of the annotation")
      ->check(CLI::IsMember({"transcript", "gene", "exon", "intron"}))
      ->capture_default_str();
}

void add_fasta_option(CLI::App& app, std::string& fasta) {
  app.add_option("-f,--fasta", fasta, "reference FASTA, plain or bgzip (.fai/.gzi used when present)");
}

void add_annotation_option(CLI::App& app, std::string& annotation, std::string& format) {
  app.add_option("-a,--annotation", annotation, "GTF, GFF3, BED6 or BED12 (may be gzipped; - = stdin)");
  format = "auto";
  app.add_option("--format", format, "annotation format")
      ->check(CLI::IsMember({"auto", "gtf", "gff3", "gff", "bed"}))
      ->capture_default_str();
}

void add_shard_option(CLI::App& app, std::string& shard) {
  app.add_option("--shard", shard,
                 "process only block I of N of the input records; the N outputs merged (bcftools concat "
                 "--no-version, or splicebert merge) equal the unsharded output (docs/scale-out.md)")
      ->check(CLI::Validator(
          [](std::string& text) {
            try {
              Shard::parse(text);
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "I/N"));
}

void apply_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  omp_set_num_threads(threads);
}

static std::string& command_line_storage() {
  static std::string text;
  return text;
}
const std::string& command_line() { return command_line_storage(); }
void set_command_line(int argc, char** argv) {
  std::string& text = command_line_storage();
  for (int i = 0; i < argc; ++i) {
    if (i) text += ' ';
    text += argv[i];
  }
}

std::map<std::string, std::string> provenance(const Model* model) {
  return output_provenance(model, command_line());
}

std::vector<std::pair<std::string, std::string>> collect_sequences(const std::vector<std::string>& positional,
                                                                   const std::string& fasta_path) {
  std::vector<std::pair<std::string, std::string>> sequences;
  for (size_t i = 0; i < positional.size(); ++i) sequences.push_back({"seq" + std::to_string(i + 1), positional[i]});
  if (!fasta_path.empty()) {
    FastaReader reader(fasta_path);
    FastaRecord record;
    while (reader.next(record)) sequences.push_back({record.name, record.sequence});
  }
  if (sequences.empty()) fail("no input sequences: give SEQ arguments or -i FASTA");
  return sequences;
}

void report_unknown_characters(const std::string& verb, const std::string& record, int64_t unknown,
                               const Tokenizer& tokenizer, bool quiet) {
  if (!quiet && unknown)
    std::cerr << "splicebert " << verb << ": " << record << ": " << unknown << " character(s) became "
              << tokenizer.token(tokenizer.unk_id()) << "\n";
}

void warn_if_short(const std::string& verb, const std::string& record, int64_t nucleotides, bool quiet) {
  if (!quiet && nucleotides < 64)
    std::cerr << "splicebert " << verb << ": " << record << ": warning: " << nucleotides
              << " nt is shorter than 64 nt; SpliceBERT's outputs on such short inputs are unreliable\n";
}

void warn_if_shipped_model(const std::string& verb, const std::string& model_dir, bool quiet) {
  if (quiet) return;
  std::error_code ec;
  const auto given = std::filesystem::weakly_canonical(model_dir, ec);
  if (ec) return;
  if (given != std::filesystem::weakly_canonical(shipped_model_dir(), ec) || ec) return;
  std::cerr << "splicebert " << verb << ": warning: " << model_dir
            << " is the small stand-in model trained by splicebert itself (4 layers x 192), not the published "
               "SpliceBERT; for real scores download a published checkpoint (README, \"Published models\") and pass "
               "it with -m, e.g. splicebert " << verb << " -m SpliceBERT.1024nt ...\n";
}

void Progress::message(const std::string& text) const {
  if (!quiet) std::cerr << text << std::endl;
}

namespace {
double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

RateProgress::RateProgress(bool quiet, std::string verb, std::string unit)
    : progress_{quiet}, verb_(std::move(verb)), unit_(std::move(unit)), started_(seconds_now()) {}

void RateProgress::update(int64_t records, int64_t amount, bool final) {
  if (final) {
    write_line(records, amount, -1);
    return;
  }
  update_fraction(records, amount,
                  total_ > 0 ? static_cast<double>(amount) / static_cast<double>(total_) : -1.0);
}

void RateProgress::update_fraction(int64_t records, int64_t amount, double done_fraction) {
  if (seconds_now() - last_ < 2.0) return;
  write_line(records, amount, done_fraction);
}

void RateProgress::write_line(int64_t records, int64_t amount, double done_fraction) {
  const double now = seconds_now();
  last_ = now;
  const double elapsed = std::max(now - started_, 1e-9);
  char line[320];
  int length = std::snprintf(line, sizeof line, "splicebert %s: %lld records, %lld %s, %.0f %s/s", verb_.c_str(),
                             static_cast<long long>(records), static_cast<long long>(amount), unit_.c_str(),
                             amount / elapsed, unit_.c_str());
  if (done_fraction >= 0 && length > 0 && length < static_cast<int>(sizeof line)) {
    const double done = std::min(done_fraction, 1.0);
    const double left = done > 0 ? elapsed * (1.0 - done) / done : 0;
    std::snprintf(line + length, sizeof line - static_cast<size_t>(length), ", %.1f %% done, ETA %.0f s",
                  100.0 * done, left);
  }
  progress_.message(line);
}

}  // namespace splicebert::cli
