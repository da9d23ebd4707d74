// The trainable parameter store: MultiMolecule-named parameters and gradients, built from a model, from tensors or
// from a random BERT initialisation, and saved back as an MM checkpoint folder.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/tokenizer_files.hpp"
#include "splicebert/train.hpp"

namespace splicebert::train {

namespace {
uint64_t fnv1a64(const std::string& text) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (unsigned char byte : text) hash = (hash ^ byte) * 0x100000001B3ull;
  return hash;
}
}  // namespace

std::vector<std::pair<std::string, Shape>> mlm_parameter_shapes(const ModelConfig& c) {
  const int64_t C = c.hidden_size, FF = c.intermediate_size, V = c.vocab_size;
  std::vector<std::pair<std::string, Shape>> shapes = {
      {"model.embeddings.word_embeddings.weight", {V, C}},
      {"model.embeddings.position_embeddings.weight", {c.max_position_embeddings, C}},
      {"model.embeddings.token_type_embeddings.weight", {c.type_vocab_size, C}},
      {"model.embeddings.layer_norm.weight", {C}},
      {"model.embeddings.layer_norm.bias", {C}}};
  for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
    const std::string p = "model.encoder.layer." + std::to_string(layer) + ".";
    for (const char* name : {"attention.self.query", "attention.self.key", "attention.self.value",
                             "attention.output.dense"}) {
      shapes.push_back({p + name + ".weight", {C, C}});
      shapes.push_back({p + name + ".bias", {C}});
    }
    shapes.push_back({p + "attention.output.layer_norm.weight", {C}});
    shapes.push_back({p + "attention.output.layer_norm.bias", {C}});
    shapes.push_back({p + "intermediate.dense.weight", {FF, C}});
    shapes.push_back({p + "intermediate.dense.bias", {FF}});
    shapes.push_back({p + "output.dense.weight", {C, FF}});
    shapes.push_back({p + "output.dense.bias", {C}});
    shapes.push_back({p + "output.layer_norm.weight", {C}});
    shapes.push_back({p + "output.layer_norm.bias", {C}});
  }
  shapes.push_back({"lm_head.transform.dense.weight", {C, C}});
  shapes.push_back({"lm_head.transform.dense.bias", {C}});
  shapes.push_back({"lm_head.transform.layer_norm.weight", {C}});
  shapes.push_back({"lm_head.transform.layer_norm.bias", {C}});
  shapes.push_back({"lm_head.bias", {V}});
  return shapes;
}

std::string task_head_prefix(const ModelConfig& c) {
  switch (c.head.kind) {
    case HeadKind::Sequence: return "sequence_head";
    case HeadKind::Token: return "token_head";
    case HeadKind::Contact: return "contact_head";
    case HeadKind::None: break;
  }
  fail("architecture '", c.architecture, "' names no sequence, token or contact head");
}

std::vector<std::pair<std::string, Shape>> task_parameter_shapes(const ModelConfig& c) {
  auto shapes = mlm_parameter_shapes(c);
  std::erase_if(shapes, [](const auto& entry) { return entry.first.starts_with("lm_head."); });
  const int64_t C = c.hidden_size, n = c.head.num_labels;
  const std::string p = task_head_prefix(c);
  if (c.head.kind == HeadKind::Sequence) {
    shapes.push_back({"model.pooler.dense.weight", {C, C}});
    shapes.push_back({"model.pooler.dense.bias", {C}});
  }
  if (c.head.transform != "none") {
    shapes.push_back({p + ".transform.dense.weight", {C, C}});
    shapes.push_back({p + ".transform.dense.bias", {C}});
    shapes.push_back({p + ".transform.layer_norm.weight", {C}});
    shapes.push_back({p + ".transform.layer_norm.bias", {C}});
  }
  shapes.push_back({p + ".decoder.weight", {n, C}});
  if (c.head.bias) shapes.push_back({p + ".decoder.bias", {n}});
  return shapes;
}

std::vector<std::pair<std::string, Shape>> trainable_parameter_shapes(const ModelConfig& c) {
  return c.head.kind == HeadKind::None ? mlm_parameter_shapes(c) : task_parameter_shapes(c);
}

ParameterStore::ParameterStore(ModelConfig config, TensorMap parameters, const std::string& source)
    : config_(std::move(config)) {
  std::string missing;
  for (auto& [name, shape] : trainable_parameter_shapes(config_)) {
    auto it = parameters.find(name);
    if (it == parameters.end()) {
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    if (it->second.shape != shape)
      fail(source, ": ", name, " is ", shape_to_string(it->second.shape), ", the config implies ",
           shape_to_string(shape));
    gradients_.emplace(name, Tensor(shape));
    parameters_.emplace(name, std::move(it->second));
  }
  if (!missing.empty())
    fail(source, ": missing tensors for ", config_.head.kind == HeadKind::None ? "MLM" : "task-head", " training: ",
         missing);
}

ParameterStore ParameterStore::from_model(const Model& model) {
  // Pooler and task-head tensors are not part of MLM training; the constructor takes only the MLM names.
  return ParameterStore(model.config(), model.named_tensors(), model.source());
}

ParameterStore ParameterStore::random_init(const ModelConfig& config, uint64_t seed) {
  TensorMap tensors;
  for (auto& [name, shape] : trainable_parameter_shapes(config)) {
    Tensor tensor(shape);
    const bool is_norm = name.find("layer_norm") != std::string::npos;
    if (is_norm && name.ends_with(".weight")) std::fill(tensor.data.begin(), tensor.data.end(), 1.0f);
    if (!is_norm && !name.ends_with(".bias")) {
      Rng rng(derive_seed(seed, fnv1a64(name)));  // a stream per tensor: independent of tensor order
      for (float& x : tensor.data) x = static_cast<float>(config.initializer_range * rng.normal());
    }
    if (name == "model.embeddings.word_embeddings.weight" && config.pad_token_id >= 0 &&
        config.pad_token_id < config.vocab_size)
      std::fill_n(tensor.ptr() + static_cast<int64_t>(config.pad_token_id) * config.hidden_size,
                  config.hidden_size, 0.0f);
    tensors.emplace(name, std::move(tensor));
  }
  return ParameterStore(config, std::move(tensors), "random initialisation");
}

ParameterStore ParameterStore::with_task_head(const ModelConfig& config, TensorMap tensors, const std::string& source,
                                             uint64_t seed, std::vector<std::string>* initialised) {
  task_head_prefix(config);  // fails unless config names a head
  const ParameterStore fresh = random_init(config, seed);
  for (const auto& [name, tensor] : fresh.parameters()) {
    if (tensors.count(name)) continue;
    tensors.emplace(name, tensor);
    if (initialised) initialised->push_back(name);
  }
  return ParameterStore(config, std::move(tensors), source);
}

Tensor& ParameterStore::parameter(const std::string& name) {
  auto it = parameters_.find(name);
  if (it == parameters_.end()) fail("parameter store: no tensor named ", name);
  return it->second;
}

Tensor& ParameterStore::gradient(const std::string& name) {
  auto it = gradients_.find(name);
  if (it == gradients_.end()) fail("parameter store: no gradient named ", name);
  return it->second;
}

void ParameterStore::zero_gradients() {
  for (auto& [name, g] : gradients_) std::fill(g.data.begin(), g.data.end(), 0.0f);
}

int64_t ParameterStore::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, p] : parameters_) n += p.numel();
  return n;
}

void ParameterStore::save_safetensors(const std::string& path) const {
  write_safetensors(path, parameters_, {{"format", "pt"}});
}

void ParameterStore::save_model_folder(const std::string& dir, const Tokenizer& tokenizer) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(dir, ": cannot create the directory: ", ec.message());
  save_safetensors(dir + "/model.safetensors");
  AtomicOutput config_file(dir + "/config.json", false);
  config_file.stream() << config_.to_json(Layout::MultiMolecule).dump(2) << "\n";
  config_file.commit();
  write_tokenizer_files(dir, tokenizer.tokens(), config_.max_position_embeddings);
}

void ParameterStore::grow_positions(int64_t rows, Rng& rng, double std_dev) {
  const std::string name = "model.embeddings.position_embeddings.weight";
  Tensor& old = parameter(name);
  const int64_t C = old.dim(1), kept = std::min(rows, old.dim(0));
  Tensor grown({rows, C});
  std::copy_n(old.ptr(), kept * C, grown.ptr());
  for (int64_t i = kept * C; i < rows * C; ++i) grown.data[static_cast<size_t>(i)] = static_cast<float>(std_dev * rng.normal());
  old = std::move(grown);
  gradient(name) = Tensor({rows, C});
  config_.max_position_embeddings = static_cast<int>(rows);
}

void ParameterStore::set_sinusoidal_positions(int64_t first_row, double std_dev) {
  Tensor& table = parameter("model.embeddings.position_embeddings.weight");  // [positions, C]
  const int64_t rows = table.dim(0), C = table.dim(1);
  const double amplitude = std_dev * std::sqrt(2.0);
  for (int64_t pos = std::max<int64_t>(first_row, 0); pos < rows; ++pos)
    for (int64_t i = 0; i < C; ++i) {
      const double angle = static_cast<double>(pos) / std::pow(10000.0, static_cast<double>(i - i % 2) / C);
      table.ptr()[pos * C + i] = static_cast<float>(amplitude * (i % 2 == 0 ? std::sin(angle) : std::cos(angle)));
    }
}

void ParameterStore::init_local_attention(const std::vector<int>& offsets, double logit_gap) {
  if (offsets.empty()) return;
  const int64_t C = config_.hidden_size, NH = config_.num_attention_heads, D = C / NH;
  if (static_cast<int64_t>(offsets.size()) > NH || D % 2 != 0 || config_.num_hidden_layers < 1)
    fail("local attention: needs at most one offset per head (", NH, "), an even head size and a layer");
  Tensor& positions = parameter("model.embeddings.position_embeddings.weight");  // [P, C], sinusoidal
  Tensor& words = parameter("model.embeddings.word_embeddings.weight");          // [V, C]
  Tensor& types = parameter("model.embeddings.token_type_embeddings.weight");    // [types, C]
  // Word and token-type rows: nothing in the position columns, and in the others zero mean and one common norm
  // (std_dev initializer_range), so that the LayerNorm scale is the same for every token and the keys' position
  // signal is not rescaled token by token (which would blur the offsets).
  const double row_norm = config_.initializer_range * std::sqrt(static_cast<double>(C - D));
  for (Tensor* table : {&words, &types})
    for (int64_t row = 0; row < table->dim(0); ++row) {
      float* x = table->ptr() + row * C;
      std::fill_n(x, D, 0.0f);
      double mean = 0, square = 0;
      for (int64_t c = D; c < C; ++c) mean += x[c];
      mean /= static_cast<double>(C - D);
      for (int64_t c = D; c < C; ++c) square += (x[c] - mean) * (x[c] - mean);
      const double scale = square > 0 ? row_norm / std::sqrt(square) : 0.0;  // the <pad> row stays 0
      for (int64_t c = D; c < C; ++c) x[c] = static_cast<float>((x[c] - mean) * scale);
    }

  // Position rows: the first D columns keep the sinusoid; the others are shifted so that every row has mean 0 and
  // rescaled so that every row keeps the sinusoid's norm. LayerNorm then subtracts nothing that depends on the
  // position and divides every position by about the same scale, which keeps the offsets sharp near the start.
  for (int64_t pos = 0; pos < positions.dim(0); ++pos) {
    float* x = positions.ptr() + pos * C;
    double sum = 0, head_square = 0, target_square = 0;
    for (int64_t c = 0; c < C; ++c) sum += x[c], target_square += static_cast<double>(x[c]) * x[c];
    for (int64_t c = 0; c < D; ++c) head_square += static_cast<double>(x[c]) * x[c];
    const double shift = sum / static_cast<double>(C - D);
    double tail_square = 0;
    for (int64_t c = D; c < C; ++c) tail_square += (x[c] - shift) * (x[c] - shift);
    const double scale = tail_square > 0 ? std::sqrt(std::max(target_square - head_square, 0.0) / tail_square) : 0.0;
    for (int64_t c = D; c < C; ++c) x[c] = static_cast<float>((x[c] - shift) * scale);
  }

  // Post-LayerNorm scale of the position columns: (sinusoid amplitude / the embedding sum's RMS)², averaged over
  // positions and tokens.
  double pair_energy = 0, total = 0;
  int64_t count = 0;
  for (int64_t pos = 0; pos < positions.dim(0); pos += 7)
    for (int64_t token = 0; token < words.dim(0); ++token) {
      double mean = 0, square = 0;
      for (int64_t c = 0; c < C; ++c) mean += positions.ptr()[pos * C + c] + words.ptr()[token * C + c] + types.ptr()[c];
      mean /= static_cast<double>(C);
      for (int64_t c = 0; c < C; ++c) {
        const double x = positions.ptr()[pos * C + c] + words.ptr()[token * C + c] + types.ptr()[c] - mean;
        square += x * x;
      }
      total += square / static_cast<double>(C);
      ++count;
    }
  for (int64_t c = 0; c < 2; ++c) pair_energy += positions.ptr()[c] * positions.ptr()[c] + positions.ptr()[C + c] * positions.ptr()[C + c];
  const double normalised_amplitude_sq = (pair_energy / 2) / (total / static_cast<double>(count));
  // Σ_m [cos(0) − cos(ω_m)] over the D/2 pairs is the logit gap to the neighbouring offset before scaling.
  double gap = 0;
  for (int64_t m = 0; m < D / 2; ++m) gap += 1 - std::cos(1.0 / std::pow(10000.0, 2.0 * m / C));
  const double beta = std::sqrt(logit_gap * std::sqrt(static_cast<double>(D)) / (gap * normalised_amplitude_sq));

  Tensor& query = parameter("model.encoder.layer.0.attention.self.query.weight");  // [C out, C in]
  Tensor& key = parameter("model.encoder.layer.0.attention.self.key.weight");
  for (size_t h = 0; h < offsets.size(); ++h) {
    const int64_t first = static_cast<int64_t>(h) * D;
    std::fill_n(query.ptr() + first * C, D * C, 0.0f);
    std::fill_n(key.ptr() + first * C, D * C, 0.0f);
    for (int64_t m = 0; m < D / 2; ++m) {
      const double theta = offsets[h] / std::pow(10000.0, 2.0 * m / C);
      const int64_t row = first + 2 * m, column = 2 * m;  // pair m: (sin, cos) in columns 2m, 2m + 1
      key.ptr()[row * C + column] = static_cast<float>(beta);
      key.ptr()[(row + 1) * C + column + 1] = static_cast<float>(beta);
      query.ptr()[row * C + column] = static_cast<float>(beta * std::cos(theta));
      query.ptr()[row * C + column + 1] = static_cast<float>(beta * std::sin(theta));
      query.ptr()[(row + 1) * C + column] = static_cast<float>(-beta * std::sin(theta));
      query.ptr()[(row + 1) * C + column + 1] = static_cast<float>(beta * std::cos(theta));
    }
  }
}

}  // namespace splicebert::train
