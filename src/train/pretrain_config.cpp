// The pre-training config file: strict JSON reading (unknown keys and wrong types are errors naming the file and
// the key's path), defaults from docs/training.md.
#include <set>

#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pretrain.hpp"
#include "io/json_checked.hpp"

namespace splicebert::train {

using nlohmann::json;

namespace {

// Reads one JSON object; every key read is remembered so that finish() can reject the rest (typos).
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, std::string source)
      : object_(object), path_(std::move(path)), source_(std::move(source)) {
    if (!object_.is_object()) fail(source_, ": ", where(""), " must be a JSON object");
  }
  ~ObjectReader() = default;

  bool has(const std::string& key) {
    known_.insert(key);
    return object_.contains(key) && !object_.at(key).is_null();
  }
  const json& raw(const std::string& key) {
    known_.insert(key);
    return object_.at(key);
  }
  template <class T>
  void read(const std::string& key, T& value) {
    if (!has(key)) return;
    const json& j = object_.at(key);
    try {
      if (!io::json_converts_exactly<T>(j)) throw std::invalid_argument("");
      value = j.get<T>();
    } catch (const std::exception&) {
      fail(source_, ": ", where(key), " has the wrong type (", j.dump(), ")");
    }
  }
  void read_paths(const std::string& key, std::vector<std::string>& paths) {
    if (!has(key)) return;
    const json& j = object_.at(key);
    paths.clear();
    if (j.is_string()) {
      paths.push_back(j.get<std::string>());
      return;
    }
    if (!j.is_array()) fail(source_, ": ", where(key), " must be a path or a list of paths");
    for (const json& item : j) {
      if (!item.is_string()) fail(source_, ": ", where(key), " must hold only strings");
      paths.push_back(item.get<std::string>());
    }
  }
  template <class T>
  void check(const std::string& key, const T& value, bool ok, const char* rule) {
    if (!ok) fail(source_, ": ", where(key), " = ", json(value).dump(), " ", rule);
  }
  void finish() {
    for (const auto& [key, value] : object_.items())
      if (!known_.count(key)) fail(source_, ": unknown key ", where(key), " (see docs/training.md)");
  }
  std::string where(const std::string& key) const {
    if (key.empty()) return path_.empty() ? "the top level" : "'" + path_ + "'";
    return "'" + (path_.empty() ? key : path_ + "." + key) + "'";
  }
  const std::string& source() const { return source_; }
  std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  const json& object_;
  std::string path_, source_;
  std::set<std::string> known_;
};

void read_data(ObjectReader& parent, DataSources& data) {
  if (!parent.has("data")) return;
  ObjectReader r(parent.raw("data"), parent.child_path("data"), parent.source());
  r.read_paths("train", data.train);
  r.read_paths("validation", data.validation);
  r.finish();
}

void read_windows(ObjectReader& r, WindowingOptions& w) {
  r.read("min_length", w.min_length);
  r.read("max_length", w.max_length);
  r.read("stride", w.stride);
  r.read("random_offsets", w.random_offsets);
  r.read("max_n_fraction", w.max_n_fraction);
  r.check("min_length", w.min_length, w.min_length >= 1, "must be at least 1");
  r.check("max_length", w.max_length, w.max_length >= w.min_length, "must be at least min_length");
  r.check("stride", w.stride, w.stride >= 0, "must not be negative");
  r.check("max_n_fraction", w.max_n_fraction, w.max_n_fraction >= 0 && w.max_n_fraction <= 1, "must be in [0, 1]");
}

StageConfig read_stage(const json& j, size_t index, ObjectReader& parent) {
  ObjectReader r(j, "stages[" + std::to_string(index) + "]", parent.source());
  StageConfig s;
  s.name = "stage" + std::to_string(index + 1);
  r.read("name", s.name);
  r.read("steps", s.steps);
  r.check("steps", s.steps, s.steps >= 0, "must not be negative");
  r.read("max_position_embeddings", s.max_position_embeddings);
  r.check("max_position_embeddings", s.max_position_embeddings, s.max_position_embeddings >= 0,
          "must not be negative");
  read_windows(r, s.windows);
  read_data(r, s.data);
  r.read("batch_tokens", s.batch_tokens);
  r.read("max_batch_size", s.max_batch_size);
  r.read("lr", s.lr);
  r.read("warmup_steps", s.warmup_steps);
  r.check("lr", s.lr, s.lr >= 0, "must not be negative");
  r.finish();
  return s;
}

}  // namespace

PretrainConfig PretrainConfig::from_json(const json& j, const std::string& source) {
  PretrainConfig c;
  c.source = source;
  c.raw = j;
  ObjectReader r(j, "", source);
  r.read("output_dir", c.output_dir);
  if (c.output_dir.empty()) fail(source, ": 'output_dir' is required");
  r.read("seed", c.seed);
  r.read("threads", c.threads);
  r.read("precision", c.precision);
  c.precision = precision_name(parse_precision(c.precision, r.source() + ": precision"));  // any accepted spelling
  r.read("init_from", c.init_from);
  if (r.has("model")) {
    ObjectReader m(r.raw("model"), "model", source);
    ModelShape& s = c.model;
    m.read("vocab", s.vocab);
    m.read("hidden_size", s.hidden_size);
    m.read("num_hidden_layers", s.num_hidden_layers);
    m.read("num_attention_heads", s.num_attention_heads);
    m.read("intermediate_size", s.intermediate_size);
    m.read("max_position_embeddings", s.max_position_embeddings);
    m.read("layer_norm_eps", s.layer_norm_eps);
    m.read("initializer_range", s.initializer_range);
    m.read("position_init", s.position_init);
    m.read("local_attention_offsets", s.local_attention_offsets);
    m.check("local_attention_offsets", s.local_attention_offsets.size(),
            s.local_attention_offsets.size() <= static_cast<size_t>(std::max(s.num_attention_heads, 0)) &&
                (s.local_attention_offsets.empty() || s.position_init == "sinusoidal"),
            "needs position_init \"sinusoidal\" and at most one offset per attention head");
    m.check("position_init", s.position_init, s.position_init == "normal" || s.position_init == "sinusoidal",
            "must be \"normal\" or \"sinusoidal\"");
    m.check("hidden_size", s.hidden_size, s.hidden_size > 0 && s.num_attention_heads > 0 &&
                                              s.hidden_size % s.num_attention_heads == 0,
            "must be a positive multiple of num_attention_heads");
    m.check("num_hidden_layers", s.num_hidden_layers, s.num_hidden_layers >= 0, "must not be negative");
    m.check("intermediate_size", s.intermediate_size, s.intermediate_size > 0, "must be positive");
    m.check("layer_norm_eps", s.layer_norm_eps, s.layer_norm_eps > 0, "must be positive");
    m.finish();
  }
  if (r.has("dropout")) {
    ObjectReader d(r.raw("dropout"), "dropout", source);
    d.read("hidden", c.hidden_dropout);
    d.read("attention", c.attention_dropout);
    d.check("hidden", c.hidden_dropout, c.hidden_dropout >= 0 && c.hidden_dropout < 1, "must be in [0, 1)");
    d.check("attention", c.attention_dropout, c.attention_dropout >= 0 && c.attention_dropout < 1,
            "must be in [0, 1)");
    d.finish();
  }
  read_data(r, c.data);
  if (r.has("masking")) {
    ObjectReader m(r.raw("masking"), "masking", source);
    m.read("probability", c.masking.probability);
    m.read("mask_fraction", c.masking.mask_fraction);
    m.read("random_fraction", c.masking.random_fraction);
    m.check("probability", c.masking.probability, c.masking.probability > 0 && c.masking.probability <= 1,
            "must be in (0, 1]");
    m.check("random_fraction", c.masking.random_fraction,
            c.masking.mask_fraction >= 0 && c.masking.random_fraction >= 0 &&
                c.masking.mask_fraction + c.masking.random_fraction <= 1,
            "plus mask_fraction must be within [0, 1]");
    m.finish();
  }
  if (r.has("optimizer")) {
    ObjectReader o(r.raw("optimizer"), "optimizer", source);
    o.read("lr", c.optimizer.lr);
    if (o.has("betas")) {
      const json& betas = o.raw("betas");
      if (!betas.is_array() || betas.size() != 2 || !betas[0].is_number() || !betas[1].is_number())
        fail(source, ": 'optimizer.betas' must be two numbers");
      c.optimizer.beta1 = betas[0].get<double>();
      c.optimizer.beta2 = betas[1].get<double>();
    }
    o.read("eps", c.optimizer.eps);
    o.read("weight_decay", c.optimizer.weight_decay);
    o.check("lr", c.optimizer.lr, c.optimizer.lr > 0, "must be positive");
    o.check("betas", std::vector<double>{c.optimizer.beta1, c.optimizer.beta2},
            c.optimizer.beta1 >= 0 && c.optimizer.beta1 < 1 && c.optimizer.beta2 >= 0 && c.optimizer.beta2 < 1,
            "must lie in [0, 1)");
    o.check("eps", c.optimizer.eps, c.optimizer.eps > 0, "must be positive");
    o.finish();
  }
  if (r.has("scheduler")) {
    ObjectReader s(r.raw("scheduler"), "scheduler", source);
    s.read("factor", c.scheduler.factor);
    s.read("patience", c.scheduler.patience);
    s.read("threshold", c.scheduler.threshold);
    s.read("cooldown", c.scheduler.cooldown);
    s.read("min_lr", c.scheduler.min_lr);
    s.read("warmup_steps", c.warmup_steps);
    s.check("factor", c.scheduler.factor, c.scheduler.factor > 0 && c.scheduler.factor < 1, "must be in (0, 1)");
    s.check("patience", c.scheduler.patience, c.scheduler.patience >= 0, "must not be negative");
    s.check("warmup_steps", c.warmup_steps, c.warmup_steps >= 0, "must not be negative");
    s.finish();
  }
  r.read("clip_grad_norm", c.clip_grad_norm);
  r.read("batch_tokens", c.batch_tokens);
  r.read("max_batch_size", c.max_batch_size);
  r.read("accumulation", c.accumulation);
  r.read("validation_every", c.validation_every);
  r.read("validation_max_samples", c.validation_max_samples);
  r.read("checkpoint_every", c.checkpoint_every);
  r.read("keep_checkpoints", c.keep_checkpoints);
  r.check("batch_tokens", c.batch_tokens, c.batch_tokens > 0, "must be positive");
  r.check("accumulation", c.accumulation, c.accumulation >= 1, "must be at least 1");
  r.check("keep_checkpoints", c.keep_checkpoints, c.keep_checkpoints >= 1, "must be at least 1");
  if (!r.has("stages")) fail(source, ": 'stages' is required (a list of at least one stage)");
  const json& stages = r.raw("stages");
  if (!stages.is_array() || stages.empty()) fail(source, ": 'stages' must be a non-empty list");
  for (size_t i = 0; i < stages.size(); ++i) c.stages.push_back(read_stage(stages[i], i, r));
  r.finish();
  return c;
}

PretrainConfig PretrainConfig::from_file(const std::string& path) {
  const json j = json::parse(read_file_text(path), nullptr, false);
  if (j.is_discarded()) fail(path, ": not well-formed JSON");
  return from_json(j, path);
}

}  // namespace splicebert::train
