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

struct VerbRegistrar {
  VerbRegistrar(const char* name, const char* description, VerbSetup setup);
};

struct Verb {
  std::string name, description;
  VerbSetup setup;
};
std::vector<Verb>& verbs();

// ---- options shared between verbs -------------------------------------------------------------------------------
std::string default_model_dir();  // $SPLICEBERT_MODEL, else the model shipped in the repository / install
void add_model_option(CLI::App& app, std::string& model_dir);           // -m/--model DIR
void add_threads_option(CLI::App& app, int& threads);                   // -t/--threads N (0 = all cores)
void add_quiet_option(CLI::App& app, bool& quiet);                      // -q/--quiet
void add_output_option(CLI::App& app, std::string& output, const std::string& help);  // -o/--output FILE
void add_input_option(CLI::App& app, std::string& input, const std::string& help);    // -i/--input FILE
void add_json_option(CLI::App& app, bool& json);                        // --json
void add_no_t_to_u_option(CLI::App& app, bool& no_t_to_u);              // --no-t-to-u
void add_precision_option(CLI::App& app, std::string& precision);       // --precision f32|bf16
void add_skip_bad_option(CLI::App& app, bool& skip_bad);                // --skip-bad
void add_max_tokens_option(CLI::App& app, int64_t& max_tokens);         // --max-tokens N (token budget per batch)
void add_window_option(CLI::App& app, int64_t& window, const std::string& help);  // --window NT
void add_stride_option(CLI::App& app, int64_t& stride);                 // --stride NT (windows of long records)
void add_feature_option(CLI::App& app, std::string& feature);           // --feature transcript|gene|exon|intron
void add_fasta_option(CLI::App& app, std::string& fasta);               // -f/--fasta FILE (reference genome)
void add_annotation_option(CLI::App& app, std::string& annotation, std::string& format);  // -a/--annotation, --format

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

// Per-record notes on stderr (quiet with -q): characters that became <unk> (SPEC §3: never silent) and inputs
// shorter than the 64 nt below which SpliceBERT's outputs are unreliable (SPEC §1: warn, never refuse).
void report_unknown_characters(const std::string& verb, const std::string& record, int64_t unknown,
                               const Tokenizer& tokenizer, bool quiet);
void warn_if_short(const std::string& verb, const std::string& record, int64_t nucleotides, bool quiet);

// Progress on stderr, quiet with -q.
struct Progress {
  bool quiet = false;
  void message(const std::string& text) const;
};

// "VERB: N records, M UNIT, R UNIT/s" on stderr at most every 2 s (and always when `final`), quiet with -q.
class RateProgress {
 public:
  RateProgress(bool quiet, std::string verb, std::string unit);
  void update(int64_t records, int64_t amount, bool final = false);

 private:
  Progress progress_;
  std::string verb_, unit_;
  double started_ = 0, last_ = -1e9;
};

}  // namespace splicebert::cli
