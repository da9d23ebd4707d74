// The base test checkpoint's weights (the definition is in base_checkpoint.hpp) and the folder that holds them.
#include "splicebert/base_checkpoint.hpp"

#include <algorithm>
#include <filesystem>

#include "model/base_checkpoint_files.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr int kDrawsPerValue = 12;  // Irwin-Hall: the sum of 12 uniforms minus 6 has mean 0, variance 1
constexpr double kMatrixStd = 0.02, kBiasStd = 0.01;

uint64_t fnv1a64(const std::string& text) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (unsigned char byte : text) hash = (hash ^ byte) * 0x100000001B3ull;
  return hash;
}

uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// SplitMix64's k-th output (k from 1) is mix(state0 + k * golden), so each element's 12 draws can be computed on
// their own: any split of the work gives exactly the sequential result.
float normal_proxy_value(uint64_t state0, int64_t index, double std_dev) {
  uint64_t state = state0 + static_cast<uint64_t>(index) * kDrawsPerValue * kGolden;
  double sum = 0.0;
  for (int draw = 0; draw < kDrawsPerValue; ++draw) {
    state += kGolden;
    sum += static_cast<double>(splitmix64_mix(state) >> 11) * 0x1.0p-53;  // left to right (0 + u1 is exactly u1)
  }
  return static_cast<float>(std_dev * (sum - 6.0));
}

// A slice of one random tensor: the unit of parallel work.
struct FillJob {
  float* out;
  uint64_t state0;
  double std_dev;
  int64_t begin, end;
};
constexpr int64_t kJobSize = int64_t{1} << 15;

struct TensorSpec {
  std::string name;
  Shape shape;
};

// The same names, shapes and order as gen_base_checkpoint.py's tensor_specs().
std::vector<TensorSpec> tensor_specs(const BaseCheckpointSpec& spec) {
  const int64_t hidden = spec.hidden, inter = spec.intermediate;
  const int64_t vocab = static_cast<int64_t>(base_checkpoint::vocabulary().size());
  std::vector<TensorSpec> specs = {{"model.embeddings.word_embeddings.weight", {vocab, hidden}},
                                   {"model.embeddings.position_embeddings.weight", {spec.max_positions, hidden}},
                                   {"model.embeddings.token_type_embeddings.weight", {2, hidden}},
                                   {"model.embeddings.layer_norm.weight", {hidden}},
                                   {"model.embeddings.layer_norm.bias", {hidden}}};
  for (int layer = 0; layer < spec.layers; ++layer) {
    const std::string prefix = "model.encoder.layer." + std::to_string(layer) + ".";
    for (const char* linear :
         {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
      specs.push_back({prefix + linear + ".weight", {hidden, hidden}});
      specs.push_back({prefix + linear + ".bias", {hidden}});
    }
    specs.push_back({prefix + "attention.output.layer_norm.weight", {hidden}});
    specs.push_back({prefix + "attention.output.layer_norm.bias", {hidden}});
    specs.push_back({prefix + "intermediate.dense.weight", {inter, hidden}});
    specs.push_back({prefix + "intermediate.dense.bias", {inter}});
    specs.push_back({prefix + "output.dense.weight", {hidden, inter}});
    specs.push_back({prefix + "output.dense.bias", {hidden}});
    specs.push_back({prefix + "output.layer_norm.weight", {hidden}});
    specs.push_back({prefix + "output.layer_norm.bias", {hidden}});
  }
  specs.push_back({"lm_head.bias", {vocab}});
  specs.push_back({"lm_head.transform.dense.weight", {hidden, hidden}});
  specs.push_back({"lm_head.transform.dense.bias", {hidden}});
  specs.push_back({"lm_head.transform.layer_norm.weight", {hidden}});
  specs.push_back({"lm_head.transform.layer_norm.bias", {hidden}});
  return specs;
}

void write_text(const std::string& path, const std::string& text) {
  AtomicOutput out(path, /*binary=*/true);
  out.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.stream()) fail(path, ": write failed");
  out.commit();
}

void check_spec(const BaseCheckpointSpec& spec) {
  if (spec.layers < 0 || spec.hidden <= 0 || spec.heads <= 0 || spec.intermediate <= 0 || spec.max_positions <= 0)
    fail("base checkpoint: every dimension must be positive (layers may be 0)");
  if (spec.hidden % spec.heads != 0)
    fail("base checkpoint: hidden size ", spec.hidden, " is not a multiple of ", spec.heads, " heads");
}

}  // namespace

// LayerNorm tensors are constant; every other tensor is queued in slices, and one parallel loop (dynamically
// scheduled, so a busy core does not hold the others up) fills them all.
TensorMap base_checkpoint_tensors(const BaseCheckpointSpec& spec) {
  check_spec(spec);
  TensorMap tensors;
  std::vector<FillJob> jobs;
  for (const TensorSpec& tensor_spec : tensor_specs(spec)) {
    Tensor& tensor = tensors.emplace(tensor_spec.name, Tensor(tensor_spec.shape)).first->second;
    const bool is_bias = tensor_spec.name.ends_with(".bias");
    if (tensor_spec.name.find("layer_norm") != std::string::npos) {
      std::fill(tensor.data.begin(), tensor.data.end(), is_bias ? 0.0f : 1.0f);
      continue;
    }
    const uint64_t state0 = spec.seed ^ fnv1a64(tensor_spec.name);
    for (int64_t begin = 0; begin < tensor.numel(); begin += kJobSize)
      jobs.push_back(
          {tensor.ptr(), state0, is_bias ? kBiasStd : kMatrixStd, begin, std::min(tensor.numel(), begin + kJobSize)});
  }
#pragma omp parallel for schedule(dynamic)
  for (size_t j = 0; j < jobs.size(); ++j)
    for (int64_t i = jobs[j].begin; i < jobs[j].end; ++i)
      jobs[j].out[i] = normal_proxy_value(jobs[j].state0, i, jobs[j].std_dev);
  return tensors;
}

void write_base_checkpoint(const std::string& out_dir, const BaseCheckpointSpec& spec) {
  const TensorMap tensors = base_checkpoint_tensors(spec);
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) fail(out_dir, ": cannot create the directory: ", error.message());
  const std::string dir = out_dir + "/";
  write_safetensors(dir + "model.safetensors", tensors, {{"format", "pt"}});
  using namespace base_checkpoint;
  write_text(dir + "config.json", python_json_text(config_json(spec)));
  write_text(dir + "tokenizer_config.json", python_json_text(tokenizer_config_json(spec)));
  write_text(dir + "special_tokens_map.json", python_json_text(special_tokens_map_json()));
  std::string vocab;
  for (const std::string& token : vocabulary()) vocab += (vocab.empty() ? "" : "\n") + token;
  write_text(dir + "vocab.txt", vocab);
}

}  // namespace splicebert
