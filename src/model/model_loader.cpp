// Model::load: a checkpoint folder of either layout -> read-only weights, every tensor checked against the config.
//
// Loading is two passes over the same walk of the config (build): the first only records which tensors the config
// needs and their shapes and checks them against the weights file's index (presence, shape, nothing unexpected);
// the second reads them. So a config edited to huge dimensions is refused before anything is allocated, and a
// weights file may materialise at most the bytes the config's tensors need (TensorSource's read budget).
#include <filesystem>
#include <set>
#include <sstream>

#include "io/tensor_source.hpp"
#include "kernels/gemm.hpp"
#include "model/tensor_names.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/model.hpp"

namespace splicebert {

namespace fs = std::filesystem;

// The tensors of one or more sources under their MultiMolecule names (later sources win: the pooler file).
struct CanonicalTensor {
  TensorSource* source;
  std::string name;  // in the source
  Shape shape;
};

// Takes tensors by MultiMolecule name, checking shapes, and remembers what was used. In the planning pass nothing
// is read: take() notes the name and returns an empty tensor.
class ModelLoader {
 public:
  ModelLoader(std::map<std::string, CanonicalTensor> tensors, const std::string& source, const LoadOptions& options)
      : tensors_(std::move(tensors)), source_(source), options_(options) {}

  // Both passes: the plan (check everything, allocate nothing), then the read under a budget of the planned bytes.
  void load(Model& model, const std::vector<TensorSource*>& sources) {
    planning_ = true;
    build(model);
    report();
    // Stored elements are at most 8 bytes (float64, int64) and are converted to 4-byte floats.
    const uint64_t budget = planned_elements_ * 12 + (uint64_t{1} << 20);
    for (TensorSource* source : sources) source->set_read_budget(budget);
    planning_ = false;
    model.weights_ = ModelWeights{};
    build(model);
  }

  void build(Model& model) {
    const ModelConfig& c = model.config_;
    const int64_t C = c.hidden_size, FF = c.intermediate_size, V = c.vocab_size;
    ModelWeights& w = model.weights_;
    w.word_embeddings = take("model.embeddings.word_embeddings.weight", {V, C});
    w.position_embeddings = take("model.embeddings.position_embeddings.weight", {c.max_position_embeddings, C});
    w.token_type_embeddings = take("model.embeddings.token_type_embeddings.weight", {c.type_vocab_size, C});
    w.embedding_norm = norm("model.embeddings.layer_norm", C);
    for (int i = 0; i < c.num_hidden_layers; ++i) {
      const std::string p = "model.encoder.layer." + std::to_string(i) + ".";
      EncoderLayerWeights layer;
      layer.query = linear(p + "attention.self.query", C, C);
      layer.key = linear(p + "attention.self.key", C, C);
      layer.value = linear(p + "attention.self.value", C, C);
      layer.attention_output = linear(p + "attention.output.dense", C, C);
      layer.attention_norm = norm(p + "attention.output.layer_norm", C);
      layer.intermediate = linear(p + "intermediate.dense", FF, C);
      layer.output = linear(p + "output.dense", C, FF);
      layer.output_norm = norm(p + "output.layer_norm", C);
      w.layers.push_back(std::move(layer));
    }
    if (has("model.pooler.dense.weight")) w.pooler = linear("model.pooler.dense", C, C);
    if (has("lm_head.transform.dense.weight") || has("lm_head.bias") || options_.require_lm_head) {
      LmHeadWeights head;
      head.dense = linear("lm_head.transform.dense", C, C);
      head.norm = norm("lm_head.transform.layer_norm", C);
      head.bias = take("lm_head.bias", {V});
      head.decoder.weight = w.word_embeddings;
      head.decoder.bias = head.bias;
      pack(head.decoder);
      w.lm_head = std::move(head);
    }
    build_task_head(c, w);
    report();
  }

 private:
  void build_task_head(const ModelConfig& c, ModelWeights& w) {
    if (c.head.kind == HeadKind::None) return;
    const char* prefix = c.head.kind == HeadKind::Sequence ? "sequence_head" :
                         c.head.kind == HeadKind::Token ? "token_head" : "contact_head";
    const int64_t C = c.hidden_size;
    TaskHeadWeights head;
    if (c.head.transform != "none") {
      head.transform_dense = linear(std::string(prefix) + ".transform.dense", C, C);
      head.transform_norm = norm(std::string(prefix) + ".transform.layer_norm", C);
    }
    head.decoder = linear(std::string(prefix) + ".decoder", c.head.num_labels, C, c.head.bias);
    w.task_head = std::move(head);
  }

  bool has(const std::string& name) const { return tensors_.count(name) > 0; }

  Tensor take(const std::string& name, const Shape& shape) {
    auto it = tensors_.find(name);
    if (planning_) {
      if (it == tensors_.end()) missing_.push_back(name);
      else if (it->second.shape != shape)
        mismatched_.push_back(name + " is " + shape_to_string(it->second.shape) + ", the config implies " +
                              shape_to_string(shape));
      else planned_elements_ += static_cast<uint64_t>(shape_numel(shape));
      used_.insert(name);
      return Tensor();
    }
    return it->second.source->read(it->second.name);
  }

  Linear linear(const std::string& prefix, int64_t out, int64_t in, bool with_bias = true) {
    Linear l;
    l.weight = take(prefix + ".weight", {out, in});
    if (with_bias) l.bias = take(prefix + ".bias", {out});
    else if (!planning_) l.bias = Tensor(Shape{out});
    pack(l);
    return l;
  }

  void pack(Linear& l) const {
    if (!planning_)
      l.packed = kernels::pack_linear(l.weight, kernels::default_gemm_backend(), options_.precision);
  }

  LayerNormWeights norm(const std::string& prefix, int64_t C) {
    return {take(prefix + ".weight", {C}), take(prefix + ".bias", {C})};
  }

  void report() {
    std::vector<std::string> unexpected;
    for (const auto& [name, tensor] : tensors_)
      if (!used_.count(name)) unexpected.push_back(name);
    if (missing_.empty() && mismatched_.empty() && unexpected.empty()) return;
    std::ostringstream message;
    message << source_ << ": checkpoint does not match its config:";
    auto list = [&](const char* what, const std::vector<std::string>& names) {
      if (names.empty()) return;
      message << " " << what << " (" << names.size() << "):";
      for (size_t i = 0; i < names.size(); ++i) message << (i ? ", " : " ") << names[i];
      message << ";";
    };
    list("missing tensors", missing_);
    list("wrong shapes", mismatched_);
    list("unexpected tensors", unexpected);
    throw Error(message.str());
  }

  std::map<std::string, CanonicalTensor> tensors_;
  std::string source_;
  LoadOptions options_;
  bool planning_ = true;
  uint64_t planned_elements_ = 0;
  std::set<std::string> used_;
  std::vector<std::string> missing_, mismatched_;
};

namespace {

// Original names -> MultiMolecule names; a name that two tensors of one source map to is an error, and a later
// source (the pooler file) replaces an earlier one's tensor.
std::map<std::string, CanonicalTensor> canonicalise(const std::vector<TensorSource*>& sources,
                                                    const std::string& source) {
  std::map<std::string, CanonicalTensor> out;
  for (TensorSource* tensors : sources) {
    std::set<std::string> in_this_source;
    for (const auto& [name, shape] : tensors->index()) {
      auto canonical = canonical_tensor_name(name);
      if (!canonical) continue;
      if (!in_this_source.insert(*canonical).second)
        fail(source, ": two tensors map to '", *canonical, "' (the second is '", name, "')");
      out[*canonical] = {tensors, name, shape};
    }
  }
  return out;
}

}  // namespace

std::shared_ptr<const Model> Model::from_tensors(ModelConfig config, Tokenizer tokenizer, TensorMap tensors,
                                                 const std::string& source, const LoadOptions& options) {
  auto model = std::shared_ptr<Model>(new Model());
  if (tokenizer.size() != config.vocab_size)
    fail(source, ": vocab.txt has ", tokenizer.size(), " tokens but config.json says vocab_size ", config.vocab_size);
  model->config_ = std::move(config);
  model->tokenizer_ = std::move(tokenizer);
  model->source_ = source;
  model->precision_ = options.precision;
  auto tensor_source = tensor_map_source(std::move(tensors), source);
  ModelLoader loader(canonicalise({tensor_source.get()}, source), source, options);
  loader.load(*model, {tensor_source.get()});
  return model;
}

std::shared_ptr<const Model> Model::load(const std::string& dir, const LoadOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(dir, ": not a model folder (expected config.json, weights and vocab.txt)");
  const fs::path root(dir);
  ModelConfig config = ModelConfig::from_file((root / "config.json").string());
  Tokenizer tokenizer = Tokenizer::from_vocab_file((root / "vocab.txt").string());
  std::string weights_file;
  std::vector<std::unique_ptr<TensorSource>> owned;
  if (fs::exists(root / "model.safetensors", ec)) {
    weights_file = (root / "model.safetensors").string();
    owned.push_back(open_safetensors_source(weights_file));
  } else if (fs::exists(root / "pytorch_model.bin", ec)) {
    weights_file = (root / "pytorch_model.bin").string();
    owned.push_back(open_torch_checkpoint_source(weights_file));
  } else {
    fail(dir, ": no model.safetensors or pytorch_model.bin");
  }
  if (!options.pooler_file.empty()) owned.push_back(open_safetensors_source(options.pooler_file));
  std::vector<TensorSource*> sources;
  for (const auto& source : owned) sources.push_back(source.get());

  auto model = std::shared_ptr<Model>(new Model());
  if (tokenizer.size() != config.vocab_size)
    fail(weights_file, ": vocab.txt has ", tokenizer.size(), " tokens but config.json says vocab_size ",
         config.vocab_size);
  model->config_ = std::move(config);
  model->tokenizer_ = std::move(tokenizer);
  model->source_ = weights_file;
  model->precision_ = options.precision;
  model->weights_file_ = weights_file;
  ModelLoader loader(canonicalise(sources, weights_file), weights_file, options);
  loader.load(*model, sources);
  return model;
}

const std::string& Model::weights_sha256() const {
  std::call_once(weights_sha256_once_, [this] {
    if (!weights_file_.empty()) weights_sha256_ = sha256_file_hex(weights_file_);
  });
  return weights_sha256_;
}

int64_t Model::parameter_count() const {
  return config_.parameter_count(weights_.pooler.has_value(), weights_.lm_head.has_value());
}

}  // namespace splicebert
