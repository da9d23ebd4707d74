// The fine-tuning config (docs/finetuning.md): JSON keys onto FinetuneConfig, checked, with SB's presets.
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"
#include "io/json_checked.hpp"

namespace splicebert::finetune {

using nlohmann::json;

namespace {

template <typename T>
void read(const json& j, const char* key, T& value, const std::string& source) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    if (!io::json_converts_exactly<T>(*it)) throw std::invalid_argument("not exact");
    value = it->get<T>();
  } catch (const std::exception&) {
    fail(source, ": key '", key, "' has the wrong type (", it->dump(), ")");
  }
}

HeadKind head_kind(const std::string& type, const std::string& source) {
  if (type == "sequence") return HeadKind::Sequence;
  if (type == "token" || type == "nucleotide") return HeadKind::Token;
  if (type == "contact") return HeadKind::Contact;
  fail(source, ": head.type '", type, "' must be sequence, token (nucleotide) or contact");
}

// Unknown keys are errors, as in the pre-training config: a misspelt key would otherwise be silently ignored.
void reject_unknown_keys(const json& j, const std::set<std::string>& known, const std::string& where,
                         const std::string& source) {
  for (const auto& [key, value] : j.items())
    if (!known.count(key)) fail(source, ": unknown key '", where, key, "' (see docs/finetuning.md)");
}

const std::set<std::string> kTopLevelKeys = {
    "model",  "output",    "fasta",      "labels",       "windows", "max_length",     "folds",
    "cross_validation",    "group_by",   "precision",    "stratify", "seed",          "seeds",
    "epochs", "batch_size", "patience",  "max_steps",    "lr",      "weight_decay",   "dropout",
    "monitor", "plateau",  "plateau_factor", "plateau_patience", "plateau_min_lr", "threads", "split",
    "head",   "preset", "validate_every", "shard_splits",
    "max_wall_minutes", "calibrate_class_weights"};  // preset: recorded by `finetune --preset` in the merged config
const std::set<std::string> kHeadKeys = {"type",    "num_labels",  "problem_type", "transform",
                                         "dropout", "label_names", "class_weights"};

}  // namespace

json FinetuneConfig::preset(const std::string& name) {
  // docs/finetuning.md, "Presets".
  if (name == "splice-site")
    return {{"head", {{"type", "sequence"}, {"num_labels", 1}, {"problem_type", "binary"}}},
            {"max_length", 400}, {"lr", 1e-5}, {"weight_decay", 1e-6}, {"batch_size", 16},
            {"patience", 10}, {"monitor", "auroc"}, {"stratify", true}};
  if (name == "branchpoint")
    return {{"head", {{"type", "token"}, {"num_labels", 2}, {"problem_type", "multiclass"}}},
            {"max_length", 510}, {"lr", 1e-5}, {"weight_decay", 1e-6}, {"batch_size", 8},
            {"monitor", "auprc"}, {"plateau", true}, {"plateau_factor", 0.5}, {"plateau_patience", 1},
            {"plateau_min_lr", 1e-7}, {"group_by", "chrom"}, {"cross_validation", true}};
  if (name == "splice-site-token")
    // Per-nucleotide acceptor / donor calls on windows from `windows --splice-labels` (docs/splice-sites.md,
    // "Model"). Sites are 1 nucleotide in 250 even in windows chosen to hold them; with the plain mean loss the
    // model settled on the class prior (validation loss equal to the prior's entropy after 600 steps at lr 1e-3
    // and 400 at 1e-4), so the loss weights each site 100 times a non-site; with it the mean AUPRC / top-k reached
    // 0.20 in 200 steps. The weights tilt the probabilities up about 100-fold, so the saved head is calibrated
    // back (calibrate_class_weights): delta scores and thresholds read probabilities. lr 3e-4, halved when
    // validation stalls: a 4-layer model, where SB's 1e-5 barely moves the new head.
    return {{"head", {{"type", "token"}, {"num_labels", 3}, {"problem_type", "multiclass"},
                      {"label_names", {"no_splice", "acceptor", "donor"}}, {"class_weights", {1, 100, 100}}}},
            {"shard_splits", true}, {"lr", 3e-4}, {"weight_decay", 1e-6}, {"batch_size", 16}, {"epochs", 40},
            {"validate_every", 300}, {"patience", 20}, {"monitor", "mean_auprc_topk"}, {"plateau", true},
            {"plateau_factor", 0.5}, {"plateau_patience", 3}, {"plateau_min_lr", 1e-5},
            {"calibrate_class_weights", true}};
  fail("--preset '", name, "' is not splice-site, splice-site-token or branchpoint");
}

FinetuneConfig FinetuneConfig::from_json(const json& j, const std::string& source) {
  if (!j.is_object()) fail(source, ": the fine-tuning config must be a JSON object");
  reject_unknown_keys(j, kTopLevelKeys, "", source);
  if (j.contains("head") && !j["head"].is_object()) fail(source, ": 'head' must be a JSON object");
  if (j.contains("head")) reject_unknown_keys(j["head"], kHeadKeys, "head.", source);
  FinetuneConfig c;
  c.source_json = j;
  std::string group_by = "none", precision = "f32";
  read(j, "model", c.model, source);
  read(j, "output", c.output, source);
  read(j, "fasta", c.fasta, source);
  read(j, "labels", c.labels, source);
  read(j, "windows", c.windows, source);
  read(j, "max_length", c.max_length, source);
  read(j, "folds", c.folds, source);
  read(j, "cross_validation", c.cross_validation, source);
  read(j, "group_by", group_by, source);
  read(j, "precision", precision, source);
  c.group_by = parse_group_by(group_by, source);
  c.precision = parse_precision(precision, source + ": precision");
  read(j, "stratify", c.stratify, source);
  if (j.contains("seed")) {  // read() turns a wrong type into an Error (fuzz_config_json found {"seed": {}})
    uint64_t seed = 0;
    read(j, "seed", seed, source);
    c.seeds = {seed};
  }
  read(j, "seeds", c.seeds, source);
  read(j, "epochs", c.epochs, source);
  read(j, "batch_size", c.batch_size, source);
  read(j, "patience", c.patience, source);
  read(j, "max_steps", c.max_steps, source);
  read(j, "lr", c.lr, source);
  read(j, "weight_decay", c.weight_decay, source);
  read(j, "dropout", c.dropout, source);
  read(j, "monitor", c.monitor, source);
  read(j, "plateau", c.plateau, source);
  read(j, "plateau_factor", c.plateau_factor, source);
  read(j, "plateau_patience", c.plateau_patience, source);
  read(j, "plateau_min_lr", c.plateau_min_lr, source);
  read(j, "threads", c.threads, source);
  read(j, "split", c.split, source);
  read(j, "validate_every", c.validate_every, source);
  read(j, "shard_splits", c.shard_splits, source);
  read(j, "max_wall_minutes", c.max_wall_minutes, source);
  read(j, "calibrate_class_weights", c.calibrate_class_weights, source);
  if (c.max_wall_minutes < 0) fail(source, ": max_wall_minutes must be ≥ 0");
  if (c.validate_every < 0) fail(source, ": validate_every must be ≥ 0");
  if (c.shard_splits && (c.windows.empty() || !c.split.empty()))
    fail(source, ": shard_splits reads PREFIX.train / .valid / .test of 'windows' (and no 'split' file)");
  if (c.shard_splits) {  // the shards are the sets: test fold 0, validation fold 1, train fold 2
    c.folds = 3;
    c.cross_validation = false;
    c.group_by = GroupBy::None;
    c.stratify = false;
  }
  if (!c.split.empty()) {  // the file's sets replace the folds: test fold 0, validation fold 1, the rest fold 2
    c.folds = 3;
    c.cross_validation = false;
    c.group_by = GroupBy::None;
    c.stratify = false;
  }

  const json head = j.value("head", json::object());
  std::string type = "sequence";
  read(head, "type", type, source);
  c.head.kind = head_kind(type, source);
  read(head, "num_labels", c.head.num_labels, source);
  read(head, "problem_type", c.head.problem_type, source);
  read(head, "transform", c.head.transform, source);
  read(head, "dropout", c.head.dropout, source);
  read(head, "label_names", c.head.label_names, source);
  read(head, "class_weights", c.head.class_weights, source);
  if (!c.head.class_weights.empty()) {
    if (c.head.class_weights.size() != static_cast<size_t>(c.head.num_labels))
      fail(source, ": head.class_weights needs one weight per label (", c.head.num_labels, ")");
    for (double w : c.head.class_weights)
      if (!(w > 0 && std::isfinite(w))) fail(source, ": head.class_weights must be positive and finite");
  }
  if (c.calibrate_class_weights && c.head.class_weights.empty())
    fail(source, ": calibrate_class_weights needs head.class_weights");
  if (!c.head.label_names.empty() && c.head.label_names.size() != static_cast<size_t>(c.head.num_labels))
    fail(source, ": head.label_names needs one name per label (", c.head.num_labels, ")");
  if (c.head.dropout < 0 || c.head.dropout >= 1) fail(source, ": head.dropout must be in [0, 1)");

  if (c.model.empty() || c.output.empty()) fail(source, ": 'model' and 'output' are required");
  if (c.windows.empty() == (c.fasta.empty() || c.labels.empty()))
    fail(source, ": give either 'fasta' + 'labels' or 'windows' (a labelled window shard prefix)");
  if (!c.windows.empty() && c.head.kind != HeadKind::Token)
    fail(source, ": window shards carry per-nucleotide labels: they need head.type token");
  if (c.head.num_labels < 1) fail(source, ": head.num_labels must be at least 1");
  parse_problem_type(c.head.problem_type, source + ": head");  // the one parser of these spellings (enums.hpp)
  parse_head_transform(c.head.transform, source);
  if (c.folds < 3) fail(source, ": folds must be at least 3 (test, validation and training folds)");
  if (c.seeds.empty()) fail(source, ": seeds must not be empty");
  if (c.epochs < 1 || c.batch_size < 1 || c.patience < 1) fail(source, ": epochs, batch_size, patience must be ≥ 1");
  if (!(c.lr >= 0) || c.weight_decay < 0 || c.dropout < 0 || c.dropout >= 1)
    fail(source, ": lr must be ≥ 0 (0: validate and save unchanged), weight_decay ≥ 0, dropout in [0, 1)");
  return c;
}

FinetuneConfig FinetuneConfig::from_file(const std::string& path) {
  const json j = json::parse(read_file_text(path), nullptr, false);
  if (j.is_discarded()) fail(path, ": not well-formed JSON");
  return from_json(j, path);
}

}  // namespace splicebert::finetune
