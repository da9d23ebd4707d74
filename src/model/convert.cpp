#include "splicebert/convert.hpp"
#include "splicebert/signal_cleanup.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "model/tensor_names.hpp"
#include "splicebert/config.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/model.hpp"
#include "splicebert/tokenizer_files.hpp"

namespace splicebert {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kSpecials = {"<pad>", "<cls>", "<eos>", "<unk>", "<mask>", "<null>"};
const std::string kBases = "ACGUNRYSWKMBDHV";

// The bases each IUPAC code stands for, in A, C, G, U order (N keeps its own row in every vocabulary).
const std::map<std::string, std::string> kIupac = {{"R", "AG"},  {"Y", "CU"},  {"S", "CG"},  {"W", "AU"},
                                                   {"K", "GU"},  {"M", "AC"},  {"B", "CGU"}, {"D", "AGU"},
                                                   {"H", "ACU"}, {"V", "ACG"}, {"X", "ACGU"}};

// The token of `from` that a target token takes its row from, or "" if none.
std::string source_token(const std::string& target, const Tokenizer& from) {
  static const std::map<std::string, std::string> to_original = {
      {"<pad>", "[PAD]"}, {"<cls>", "[CLS]"}, {"<eos>", "[SEP]"}, {"<unk>", "[UNK]"}, {"<mask>", "[MASK]"},
      {"U", "T"},         {"[PAD]", "<pad>"}, {"[CLS]", "<cls>"}, {"[SEP]", "<eos>"}, {"[UNK]", "<unk>"},
      {"[MASK]", "<mask>"}, {"T", "U"}};
  if (from.id_of(target) >= 0) return target;
  if (auto it = to_original.find(target); it != to_original.end() && from.id_of(it->second) >= 0) return it->second;
  return "";
}

// Deterministic normal(0, 1) draws (Box-Muller on a 64-bit Mersenne Twister), the same on every platform.
struct NormalStream {
  std::mt19937_64 engine;
  explicit NormalStream(uint64_t seed) : engine(seed) {}
  double uniform() { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53; }
  double next() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform()); }
};

}  // namespace

std::vector<std::string> target_vocabulary(const std::string& name_or_file) {
  std::vector<std::string> tokens = kSpecials;
  for (char b : kBases) tokens.emplace_back(1, b);
  if (name_or_file == "28") {
    for (const char* t : {"I", "X", "|", ".", "*", "-", "?"}) tokens.emplace_back(t);
    return tokens;
  }
  if (name_or_file == "26") {
    for (const char* t : {".", "X", "*", "-", "I"}) tokens.emplace_back(t);
    return tokens;
  }
  return Tokenizer::from_vocab_file(name_or_file).tokens();
}

TensorMap reindex_vocabulary(TensorMap tensors, const Tokenizer& from, const std::vector<std::string>& to_tokens,
                             double init_std, uint64_t seed) {
  auto embeddings_it = tensors.find("model.embeddings.word_embeddings.weight");
  if (embeddings_it == tensors.end()) fail("checkpoint has no model.embeddings.word_embeddings.weight");
  const Tensor& old_embeddings = embeddings_it->second;
  const int64_t C = old_embeddings.dim(1), V = static_cast<int64_t>(to_tokens.size());
  const Tensor* old_bias = tensors.count("lm_head.bias") ? &tensors.at("lm_head.bias") : nullptr;
  Tensor embeddings({V, C}), bias({V});
  NormalStream normal(seed);
  auto row = [&](const std::string& token) { return old_embeddings.ptr() + from.id_of(token) * C; };
  for (int64_t v = 0; v < V; ++v) {
    const std::string& target = to_tokens[static_cast<size_t>(v)];
    float* out = embeddings.ptr() + v * C;
    if (std::string source = source_token(target, from); !source.empty()) {
      std::copy_n(row(source), C, out);
      if (old_bias) bias.data[v] = old_bias->data[from.id_of(source)];
      continue;
    }
    auto iupac = kIupac.find(target);
    bool bases_present = iupac != kIupac.end();
    for (char b : bases_present ? iupac->second : "")
      bases_present = bases_present && !source_token(std::string(1, b), from).empty();
    if (bases_present) {
      // float32 arithmetic, summed left to right in A, C, G, U order, then divided (as MultiMolecule does).
      const std::string& bases = iupac->second;
      const float count = static_cast<float>(bases.size());
      for (int64_t c = 0; c < C; ++c) {
        float sum = 0, bias_sum = 0;
        for (char b : bases) {
          const std::string source = source_token(std::string(1, b), from);
          sum += row(source)[c];
          if (old_bias && c == 0) bias_sum += old_bias->data[from.id_of(source)];
        }
        out[c] = sum / count;
        if (old_bias && c == 0) bias.data[v] = bias_sum / count;
      }
      continue;
    }
    for (int64_t c = 0; c < C; ++c) out[c] = static_cast<float>(init_std * normal.next());
  }
  tensors["model.embeddings.word_embeddings.weight"] = std::move(embeddings);
  if (old_bias) tensors["lm_head.bias"] = std::move(bias);
  return tensors;
}

void convert_checkpoint(const std::string& in_dir, const std::string& out_dir, const ConvertOptions& options) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !(fs::is_directory(out_dir, ec) && fs::is_empty(out_dir, ec)))
    fail(out_dir, ": output folder exists and is not empty; refusing to overwrite it");
  ModelConfig config = ModelConfig::from_file(in_dir + "/config.json");
  Tokenizer from = Tokenizer::from_vocab_file(in_dir + "/vocab.txt");
  // Load through Model to validate every tensor against the config, then take the canonical tensors back out.
  auto model = Model::load(in_dir);
  TensorMap tensors = model->named_tensors();

  const bool to_multimolecule = config.layout == Layout::Original;
  std::vector<std::string> to_tokens =
      to_multimolecule ? target_vocabulary(options.vocab)
                       : std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "N", "A", "C", "G", "T"};
  if (!to_multimolecule)
    for (const auto& token : to_tokens)
      if (source_token(token, from).empty())
        fail(in_dir, ": vocabulary lacks '", token, "', so this model cannot be converted to the original layout");
  tensors = reindex_vocabulary(std::move(tensors), from, to_tokens, config.initializer_range, options.seed);
  config.vocab_size = static_cast<int>(to_tokens.size());

  const fs::path final_dir(out_dir);
  const fs::path temp_dir = final_dir.parent_path() / (final_dir.filename().string() + ".tmp." + std::to_string(getpid()));
  fs::remove_all(temp_dir, ec);
  const FolderRemovedOnSignal interrupted(temp_dir.string());  // Ctrl-C or a scheduler's SIGTERM leaves no OUT.tmp.PID
  fs::create_directories(temp_dir);
  try {
    const Layout target = to_multimolecule ? Layout::MultiMolecule : Layout::Original;
    {
      AtomicOutput file((temp_dir / "config.json").string(), false);
      file.stream() << config.to_json(target).dump(2) << "\n";
      file.commit();
    }
    if (to_multimolecule) {
      write_safetensors((temp_dir / "model.safetensors").string(), tensors, {{"format", "pt"}});
    } else {
      TensorMap original;
      for (auto& [name, tensor] : tensors) original[original_tensor_name(name)] = std::move(tensor);
      write_torch_checkpoint((temp_dir / "pytorch_model.bin").string(), original);
    }
    write_tokenizer_files(temp_dir.string(), to_tokens, config.max_position_embeddings);
    fs::remove(final_dir, ec);  // an empty folder the user made
    fs::rename(temp_dir, final_dir);
  } catch (...) {
    fs::remove_all(temp_dir, ec);
    throw;
  }
}

}  // namespace splicebert
