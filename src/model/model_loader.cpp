// Model::load: a checkpoint folder of either layout -> read-only weights, every tensor checked against the config.
#include <filesystem>
#include <set>
#include <sstream>

#include "kernels/gemm.hpp"
#include "model/tensor_names.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/model.hpp"

namespace splicebert {

namespace fs = std::filesystem;

// Takes tensors out of a name -> tensor map by MultiMolecule name, checking shapes, and remembers what was used.
class ModelLoader {
 public:
  ModelLoader(TensorMap tensors, const std::string& source, const LoadOptions& options)
      : tensors_(std::move(tensors)), source_(source), options_(options) {}

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
    if (it == tensors_.end()) {
      missing_.push_back(name);
      return Tensor(shape);
    }
    if (it->second.shape != shape)
      mismatched_.push_back(name + " is " + shape_to_string(it->second.shape) + ", the config implies " +
                            shape_to_string(shape));
    Tensor t = std::move(it->second);
    tensors_.erase(it);
    return t;
  }

  Linear linear(const std::string& prefix, int64_t out, int64_t in, bool with_bias = true) {
    Linear l;
    l.weight = take(prefix + ".weight", {out, in});
    if (with_bias) l.bias = take(prefix + ".bias", {out});
    else l.bias = Tensor(Shape{out});
    pack(l);
    return l;
  }

  void pack(Linear& l) const {
    if (missing_.empty() && mismatched_.empty())
      l.packed = kernels::pack_linear(l.weight, kernels::default_gemm_backend(), options_.precision);
  }

  LayerNormWeights norm(const std::string& prefix, int64_t C) {
    return {take(prefix + ".weight", {C}), take(prefix + ".bias", {C})};
  }

  void report() {
    if (missing_.empty() && mismatched_.empty() && tensors_.empty()) return;
    std::ostringstream message;
    message << source_ << ": checkpoint does not match its config:";
    auto list = [&](const char* what, const std::vector<std::string>& names) {
      if (names.empty()) return;
      message << " " << what << " (" << names.size() << "):";
      for (size_t i = 0; i < names.size(); ++i) message << (i ? ", " : " ") << names[i];
      message << ";";
    };
    std::vector<std::string> unexpected;
    for (const auto& [name, tensor] : tensors_) unexpected.push_back(name);
    list("missing tensors", missing_);
    list("wrong shapes", mismatched_);
    list("unexpected tensors", unexpected);
    throw Error(message.str());
  }

  TensorMap tensors_;
  std::string source_;
  LoadOptions options_;
  std::vector<std::string> missing_, mismatched_;
};

namespace {

// Original names -> MultiMolecule names; a name that two source tensors map to is an error.
TensorMap canonicalise(TensorMap raw, const std::string& source) {
  TensorMap out;
  for (auto& [name, tensor] : raw) {
    auto canonical = canonical_tensor_name(name);
    if (!canonical) continue;
    if (!out.emplace(*canonical, std::move(tensor)).second)
      fail(source, ": two tensors map to '", *canonical, "' (the second is '", name, "')");
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
  ModelLoader loader(canonicalise(std::move(tensors), source), source, options);
  loader.build(*model);
  return model;
}

std::shared_ptr<const Model> Model::load(const std::string& dir, const LoadOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(dir, ": not a model folder (expected config.json, weights and vocab.txt)");
  const fs::path root(dir);
  ModelConfig config = ModelConfig::from_file((root / "config.json").string());
  Tokenizer tokenizer = Tokenizer::from_vocab_file((root / "vocab.txt").string());
  std::string weights_file;
  TensorMap tensors;
  if (fs::exists(root / "model.safetensors", ec)) {
    weights_file = (root / "model.safetensors").string();
    tensors = read_safetensors(weights_file).tensors;
  } else if (fs::exists(root / "pytorch_model.bin", ec)) {
    weights_file = (root / "pytorch_model.bin").string();
    tensors = read_torch_checkpoint(weights_file);
  } else {
    fail(dir, ": no model.safetensors or pytorch_model.bin");
  }
  if (!options.pooler_file.empty()) {
    for (auto& [name, tensor] : read_safetensors(options.pooler_file).tensors) tensors[name] = std::move(tensor);
  }
  auto model = from_tensors(std::move(config), std::move(tokenizer), std::move(tensors), weights_file, options);
  const_cast<Model&>(*model).weights_file_ = weights_file;
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
