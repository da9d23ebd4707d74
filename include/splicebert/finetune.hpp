// Fine-tuning a task head on a pre-trained checkpoint (`splicebert finetune`, docs/finetuning.md): the JSON config,
// the labelled examples, the folds, and the run (seeds × folds, early stopping, metrics, checkpoints, JSONL log).
// Shapes: B batch, L nucleotides, n labels.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "splicebert/enums.hpp"
#include "splicebert/config.hpp"
#include "splicebert/tensor.hpp"

namespace splicebert::finetune {

struct FinetuneConfig {
  std::string model;                 // pre-trained checkpoint folder (pooler / head created when missing)
  std::string output;                // run folder: train_log.jsonl, summary.json, seed<S>/fold<F>/best/
  HeadConfig head;                   // kind, num_labels, problem_type ("" = infer), transform
  std::string fasta, labels;         // FASTA + label TSV (formats in docs/finetuning.md)
  std::string windows;               // or a labelled window shard PREFIX (`splicebert windows --*-labels`)
  bool shard_splits = false;         // windows = the PREFIX given to `windows`: PREFIX.train / .valid / .test are
                                     // the sets (folds 2 / 1 / 0; test may be empty), not folds of one shard
  int64_t validate_every = 0;        // > 0: also validate (and early-stop) every this many optimiser steps
  double max_wall_minutes = 0;       // > 0: after this much training time, validate once more and stop (a budget)
  int64_t max_length = 0;            // centre crop to this many nucleotides (0 = none)
  std::string split;                 // TSV NAME<TAB>train|validation|test: these sets, not folds (one run per seed;
                                     // folds 3, test fold 0, validation 1, train 2; group_by / stratify unused)
  int folds = 10;                    // test = fold f, validation = fold f+1 (mod folds), train = the rest
  bool cross_validation = false;     // every fold as test once (else fold 0 only)
  GroupBy group_by = GroupBy::None;  // none | chrom (bedtools-style names NAME::CHROM:START-END(STRAND)) |
                                     // prefix (the record name up to its first '|', e.g. a gene or an intron)
  bool stratify = true;              // sequence-level classification: balance classes across folds
  std::vector<uint64_t> seeds = {1};
  int epochs = 10, batch_size = 16, patience = 10;
  int64_t max_steps = 0;             // per run; 0 = no limit (tests use a few)
  double lr = 1e-5, weight_decay = 1e-6, dropout = 0.1;
  std::string monitor = "auroc";     // validation metric for early stopping and checkpoint choice (higher better,
                                     // except loss / mse)
  bool plateau = false;              // ReduceLROnPlateau on the monitored metric
  double plateau_factor = 0.5, plateau_min_lr = 1e-7;
  int plateau_patience = 1;
  bool calibrate_class_weights = false;  // with head.class_weights: save a head whose softmax gives the unweighted
                                         // probabilities (−log w folded into the output bias; docs/finetuning.md)
  int threads = 0;
  Precision precision = Precision::F32;  // BF16: mixed precision training GEMMs (as pretrain's "precision")
  nlohmann::json source_json;        // the config as given, copied next to every checkpoint

  static FinetuneConfig from_json(const nlohmann::json& json, const std::string& source);
  static FinetuneConfig from_file(const std::string& path);
  // Recipes as a base that the config file's keys override: SB's "splice-site" and "branchpoint", and
  // "splice-site-token" (per-nucleotide no_splice / acceptor / donor, docs/splice-sites.md).
  static nlohmann::json preset(const std::string& name);
};

// One labelled sequence. Labels are float with −100 (or NaN for regression) for ignored entries:
// sequence head [n] (or one class index / 0-1 value), token head [L] (per nucleotide).
struct Example {
  std::string name, sequence;
  std::vector<float> labels;
  std::string group;  // chromosome (group_by chrom) or the name
  int shard_fold = -1;  // shard_splits: 0 from PREFIX.test, 1 from .valid, 2 from .train
};

// FASTA + label TSV or a labelled window shard, centre-cropped to max_length (labels with it); errors name file and line.
std::vector<Example> read_examples(const FinetuneConfig& config);

// docs/model.md, "Task heads" (our choice): when the config gives no problem_type it is inferred once from every label (never from a
// first batch): a value that is not an integer (or NA) → regression; otherwise one label → binary (values 0/1),
// a sequence row of num_labels values → multilabel, else multiclass.
std::string infer_problem_type(const std::vector<Example>& examples, const HeadConfig& head);

// Fold index per example (0 … folds−1): whole groups per fold (group_by), classes spread evenly (stratify); with
// config.split, the file's sets as folds 0 = test, 1 = validation, 2 = train (split_folds).
std::vector<int> assign_folds(const std::vector<Example>& examples, const FinetuneConfig& config, uint64_t seed);

// The sets of a split TSV (NAME<TAB>train|validation|test, as finetune writes split.tsv) as folds 0 test,
// 1 validation, 2 train: every example named exactly once and every name an example; errors name the file and line.
std::vector<int> split_folds(const std::vector<Example>& examples, const std::string& path);

// Metrics of one evaluation over kept entries, by the problem type (binary: auroc auprc f1 accuracy; multiclass:
// accuracy, plus auroc / auprc of class 1 for two classes; regression: mse pearson spearman), plus "loss".
// Multiclass with three or more classes: for every class c ≥ 1 (class 0 = "none of them", e.g. no_splice), the
// softmax probability of c scored against "label is c": auroc_<name>, auprc_<name>, topk_<name> (SpliceAI's top-k
// accuracy), with <name> from label_names or "class<c>", and mean_auprc_topk, the mean of those AUPRCs and top-k
// accuracies (the splice-site-token preset's early-stopping metric).
std::map<std::string, double> evaluation_metrics(const std::string& problem_type, int num_labels,
                                                 const std::vector<Tensor>& logits, const std::vector<Tensor>& labels,
                                                 const std::vector<std::string>& label_names = {});

// head.class_weights w tilt a softmax head's optimum to p_w(c) ∝ w_c · p(c) (the weighted loss is the plain loss
// under a prior multiplied by w), so with weights [1, 100, 100] sites come out about 100 times too likely. Adding
// −log w_c to logit c undoes the tilt exactly: softmax(z − log w)_c ∝ p_w(c) / w_c ∝ p(c). These apply it to
// logits [..., num_labels] (validation) and to the head's output bias (the saved model; direction −1 folds the
// correction in, +1 takes it out again before more training). docs/finetuning.md, "Class weights and calibration".
void calibrate_logits(Tensor& logits, const std::vector<double>& class_weights);
void shift_output_bias(TensorMap& parameters, const ModelConfig& head_config, const std::vector<double>& class_weights,
                       int direction);
// The class weights a model folder's head was calibrated for: its finetune_config.json (written by finetune next to
// every checkpoint) when that says calibrate_class_weights, else none. A malformed file fails, naming it.
std::vector<double> calibrated_class_weights_of(const std::string& model_dir);

struct RunOptions {
  bool quiet = false;
  std::string command_line;
  bool resume = false;  // reuse every (seed, fold) whose result.json exists in the output folder; train the rest
  // Called with every record the run logs (each epoch's metrics, each finished (seed, fold)), e.g. for a progress
  // bar in a caller that is not a terminal.
  std::function<void(const nlohmann::json&)> on_record;
  // Polled before every optimiser step; true stops the run with splicebert::Stopped before anything of the
  // unfinished (seed, fold) is written: finished folds stay, and `resume` continues after them.
  std::function<bool()> should_stop;
};
// Trains every (seed, fold); returns the summary (also written to <output>/summary.json). The config as run goes to
// <output>/finetune_config.json first (what `finetune --resume` reads); each finished (seed, fold) writes
// seed<S>/fold<F>/result.json last, so a killed run resumes after its last finished fold.
nlohmann::json run_finetuning(const FinetuneConfig& config, const RunOptions& options);

}  // namespace splicebert::finetune
