// The CLI's shared plumbing: the verb registry (each apps/<verb>.cpp registers itself) and every option that more
// than one verb uses, declared once here with its names, default and help.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "splicebert/model.hpp"

namespace splicebert::cli {

// A verb adds its options to `app` and returns the function that runs it (returns the exit status).
using VerbSetup = std::function<std::function<int()>(CLI::App& app)>;

// Verbs that run the model's forward (or training) pay for a second process start to choose OpenMP's wait policy
// (main.cpp); the others start once.
enum class RunsModel { No, Yes };

struct VerbRegistrar {
  VerbRegistrar(const char* name, const char* description, VerbSetup setup, RunsModel runs_model = RunsModel::No);
};

struct Verb {
  std::string name, description;
  VerbSetup setup;
  bool runs_model = false;
};
std::vector<Verb>& verbs();
const Verb* find_verb(const std::string& name);
// The registered verb closest to a mistyped one (edit distance at most 2, or a verb it is a prefix of); empty if none.
std::string closest_verb(const std::string& typed);

// ---- options shared between verbs -------------------------------------------------------------------------------
std::string default_model_dir();  // $SPLICEBERT_MODEL, else shipped_model_dir()
std::string shipped_model_dir();  // models/default beside the build, or share/splicebert/models/default installed
void add_model_option(CLI::App& app, std::string& model_dir);           // -m/--model DIR
void add_threads_option(CLI::App& app, int& threads);                   // -t/--threads N (0 = all cores; N >= 0)
void add_quiet_option(CLI::App& app, bool& quiet);                      // -q/--quiet
// -o/--output FILE, checked when parsed (folder exists and is writable), so a verb fails before any work.
void add_output_option(CLI::App& app, std::string& output, const std::string& help);
void add_output_folder_option(CLI::App& app, std::string& output, const std::string& help);  // -o/--output DIR
void add_output_prefix_option(CLI::App& app, std::string& output, const std::string& help);  // -o/--output PREFIX
// The same check for a verb's further output files (--bedgraph, --bed, ...).
CLI::Validator writable_output_file();
void add_input_option(CLI::App& app, std::string& input, const std::string& help);    // -i/--input FILE
void add_json_option(CLI::App& app, bool& json);                        // --json
void add_no_t_to_u_option(CLI::App& app, bool& no_t_to_u);              // --no-t-to-u
void add_precision_option(CLI::App& app, Precision& precision);         // --precision f32|bf16 (parse_precision)
void add_skip_bad_option(CLI::App& app, bool& skip_bad);                // --skip-bad
void add_max_tokens_option(CLI::App& app, int64_t& max_tokens);         // --max-tokens N (token budget per batch)
void add_window_option(CLI::App& app, int64_t& window, const std::string& help);  // --window NT
void add_stride_option(CLI::App& app, int64_t& stride);                 // --stride NT (windows of long records)
void add_feature_option(CLI::App& app, std::string& feature);           // --feature transcript|gene|exon|intron
void add_fasta_option(CLI::App& app, std::string& fasta);               // -f/--fasta FILE (reference genome)
void add_annotation_option(CLI::App& app, std::string& annotation, std::string& format);  // -a/--annotation, --format
// --shard I/N: the I-th of N contiguous blocks of the input records (splicebert/shard.hpp); "" = all.
void add_shard_option(CLI::App& app, std::string& shard);
// --splice-model DIR (default_splice_model_dir(); "none" = no deltas) and --distance D: SpliceAI-style deltas of
// score-vcf and score-pairs (docs/splice-sites.md).
void add_splice_delta_options(CLI::App& app, std::string& splice_model, int64_t& distance);
// $SPLICEBERT_SPLICE_MODEL, else models/splice-site beside shipped_model_dir() when it is there, else "none".
std::string default_splice_model_dir();

// Applies -t: sets the OpenMP / BLAS thread count for the whole process (one pool).
void apply_threads(int threads);

// The command line as typed, for provenance records in output files.
const std::string& command_line();
void set_command_line(int argc, char** argv);

// Provenance recorded in every output file: tool version, command line and, when a model is used, its weights
// file and SHA-256.
std::map<std::string, std::string> provenance(const Model* model);

// Sequences named on the command line (SEQ…) and/or read from -i FASTA, as (name, text) pairs; names of command-line
// sequences are seq1, seq2, …  Throws when there is none.
std::vector<std::pair<std::string, std::string>> collect_sequences(const std::vector<std::string>& positional,
                                                                   const std::string& fasta_path);

// Per-record notes on stderr (quiet with -q): characters that became <unk> (docs/model.md, "Tokenizer": never silent) and inputs
// shorter than the 64 nt below which SpliceBERT's outputs are unreliable (docs/model.md, "Pipelines": warn, never refuse).
void report_unknown_characters(const std::string& verb, const std::string& record, int64_t unknown,
                               const Tokenizer& tokenizer, bool quiet);
void warn_if_short(const std::string& verb, const std::string& record, int64_t nucleotides, bool quiet);

// Once per run of a verb that scores variants or calls sites: a warning when `model_dir` is the stand-in model
// shipped with splicebert (small, trained here) with the command to use a published checkpoint instead.
void warn_if_shipped_model(const std::string& verb, const std::string& model_dir, bool quiet);

// Progress on stderr, quiet with -q.
struct Progress {
  bool quiet = false;
  void message(const std::string& text) const;
};

// "splicebert VERB: N records, M UNIT, R UNIT/s[, P % done, ETA T]" on stderr at most every 2 s (and always when
// `final`), quiet with -q. With a known total amount (set_total) the line has the fraction done and an ETA.
class RateProgress {
 public:
  RateProgress(bool quiet, std::string verb, std::string unit);
  void set_total(int64_t total_amount) { total_ = total_amount; }
  void update(int64_t records, int64_t amount, bool final = false);
  // For verbs whose total is known in another measure than UNIT (input records, input bytes): `done_fraction` in
  // [0, 1] gives the % done and the ETA (elapsed time scaled by what is left); a negative fraction means unknown.
  void update_fraction(int64_t records, int64_t amount, double done_fraction);

 private:
  void write_line(int64_t records, int64_t amount, double done_fraction);
  Progress progress_;
  std::string verb_, unit_;
  int64_t total_ = 0;
  double started_ = 0, last_ = -1e9;
};

}  // namespace splicebert::cli
