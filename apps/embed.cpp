// splicebert embed -m DIR -i FASTA -o OUT.npz|.safetensors|.npy: per-nucleotide embeddings and more (docs/model.md "Pipelines", docs/cli.md).
#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pipelines.hpp"
#include "splicebert/shard.hpp"

namespace splicebert::cli {
namespace {

struct EmbedCliOptions {
  std::string model, input, output, layers, pool = "none", shard;
  Precision precision = Precision::F32;
  bool attentions = false, logits = false, keep_special = false, no_t_to_u = false, quiet = false;
  bool normalize = false, no_per_nucleotide = false;
  int threads = 0;
  int64_t window = 0, stride = 0, max_tokens = 16384;
};

// "all" or a comma list of hidden-state indices (0 = embedding output).
std::vector<int64_t> parse_layers(const std::string& text, int64_t layers) {
  std::vector<int64_t> chosen;
  if (text.empty() || text == "none") return chosen;
  if (text == "all") {
    for (int64_t l = 0; l <= layers; ++l) chosen.push_back(l);
    return chosen;
  }
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    char* end = nullptr;
    long value = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end || value < 0 || value > layers)
      fail("--layers: '", item, "' is not a layer index between 0 and ", layers);
    chosen.push_back(value);
  }
  return chosen;
}

Pooling parse_pooling(const std::string& text) {
  if (text == "mean") return Pooling::Mean;
  if (text == "cls") return Pooling::Cls;
  if (text == "max") return Pooling::Max;
  return Pooling::None;
}

// Rows [layer] of a [layers+1, rows, C] tensor, for the chosen layers.
Tensor select_layers(const Tensor& all, const std::vector<int64_t>& layers) {
  const int64_t rows = all.dim(1), C = all.dim(2);
  Tensor out({static_cast<int64_t>(layers.size()), rows, C});
  for (size_t i = 0; i < layers.size(); ++i)
    std::copy_n(all.ptr() + layers[i] * rows * C, rows * C, out.ptr() + static_cast<int64_t>(i) * rows * C);
  return out;
}

enum class OutputKind { Npz, Safetensors, Npy, PooledText, PooledJson };

OutputKind output_kind(const std::string& path) {
  if (path == "-" || path.ends_with(".tsv")) return OutputKind::PooledText;
  if (path.ends_with(".jsonl")) return OutputKind::PooledJson;
  if (path.ends_with(".npz")) return OutputKind::Npz;
  if (path.ends_with(".safetensors")) return OutputKind::Safetensors;
  if (path.ends_with(".npy")) return OutputKind::Npy;
  fail(path, ": output must be .npz, .safetensors, .npy, .tsv or .jsonl (pooled vectors), or '-' (pooled TSV)");
}

// Record results as npz members: written as each group of records finishes (NpzStreamWriter), so memory does not
// grow with the number of records; pooled vectors are also gathered into one [N, C] matrix with a `names` array.
int run_embed(const EmbedCliOptions& o) {
  apply_threads(o.threads);
  const std::string& out_path = o.output;
  const OutputKind kind = output_kind(out_path);
  const bool pooled_only = o.no_per_nucleotide || o.layers == "none";
  const bool text = kind == OutputKind::PooledText || kind == OutputKind::PooledJson;
  if ((pooled_only || text) && o.pool == "none")
    fail("--no-per-nucleotide, --layers none and text output (-o -, .tsv, .jsonl) need --pool mean|cls|max");
  if (text && ((!o.layers.empty() && o.layers != "none") || o.attentions || o.logits))
    fail(out_path, ": text output holds pooled vectors only; drop --layers/--attentions/--logits");
  LoadOptions load{.require_lm_head = o.logits,
                   .precision = o.precision};
  auto model = Model::load(o.model, load);
  Tokenizer tokenizer = model->tokenizer();
  tokenizer.set_t_to_u(!o.no_t_to_u);
  const auto chosen_layers = parse_layers(o.layers, model->config().num_hidden_layers);

  std::vector<std::pair<std::string, std::string>> inputs = collect_sequences({}, o.input);
  if (!o.shard.empty()) {  // this shard's block of records; the others are dropped before any work
    if (kind == OutputKind::Npy || kind == OutputKind::Safetensors)
      fail(out_path, ": --shard writes .npz, .tsv or .jsonl (outputs that splicebert merge joins)");
    const Shard shard = Shard::parse(o.shard);
    const auto total = static_cast<int64_t>(inputs.size());
    inputs.erase(inputs.begin() + shard.end(total), inputs.end());
    inputs.erase(inputs.begin(), inputs.begin() + shard.begin(total));
  }
  if (kind == OutputKind::Npy && inputs.size() != 1)
    fail(out_path, ": .npy holds one record, the input has ", inputs.size());
  std::vector<std::vector<int32_t>> records;
  int64_t nucleotides = 0;
  for (auto& [name, sequence] : inputs) {
    auto encoded = tokenizer.encode(sequence, /*add_special=*/false);
    report_unknown_characters("embed", name, encoded.unknown, tokenizer, o.quiet);
    warn_if_short("embed", name, static_cast<int64_t>(encoded.ids.size()), o.quiet);
    nucleotides += static_cast<int64_t>(encoded.ids.size());
    records.push_back(std::move(encoded.ids));
    std::string().swap(sequence);  // the text is not needed again
  }
  EmbedOptions embed_options{.all_layers = !chosen_layers.empty(), .pooling = parse_pooling(o.pool),
                             .attentions = o.attentions, .logits = o.logits, .keep_special = o.keep_special,
                             .window = o.window, .stride = o.stride, .max_tokens = o.max_tokens,
                             .normalize = o.normalize, .per_nucleotide = !pooled_only};
  const bool pooling = embed_options.pooling != Pooling::None;
  const int64_t C = model->config().hidden_size;
  Session session(model);
  Progress progress{o.quiet};
  auto meta = provenance(model.get());
  AtomicOutput file(out_path);
  std::optional<NpzStreamWriter> npz;
  if (kind == OutputKind::Npz) npz.emplace(file.stream());
  TensorMap in_memory;  // .safetensors and .npy: written whole at the end
  std::set<std::string> keys;
  std::vector<std::string> names;
  Tensor stacked({pooling ? static_cast<int64_t>(inputs.size()) : 0, C});
  // Groups of about 4 batches: enough to keep batches full, small enough that memory stays flat.
  const int64_t group = std::max<int64_t>(4 * o.max_tokens, 1);
  const auto started = std::chrono::steady_clock::now();
  RateProgress rate_progress(o.quiet, "embed", "nt");  // records, nucleotides, rate and ETA every 2 s
  rate_progress.set_total(nucleotides);
  int64_t records_done = 0, nucleotides_done = 0;
  embed_in_groups(session, records, embed_options, group, [&](size_t r, Embedding& e) {
    const std::string& name = inputs[r].first;
    rate_progress.update(++records_done, nucleotides_done += static_cast<int64_t>(records[r].size()));
    if (e.windows > 1)
      progress.message("splicebert embed: " + name + ": " + std::to_string(records[r].size()) + " nt in " +
                       std::to_string(e.windows) + " windows");
    if (pooling) {
      std::copy(e.pooled.data.begin(), e.pooled.data.end(), stacked.ptr() + static_cast<int64_t>(r) * C);
      names.push_back(name);
    }
    if (text) {
      file.stream() << pooled_vector_line(name, e.pooled, kind == OutputKind::PooledJson);
      if (!file.stream()) fail(out_path, ": write failed");
      return;
    }
    TensorMap arrays;
    if (!pooled_only) arrays["last_hidden_state"] = std::move(e.last_hidden_state);
    if (!chosen_layers.empty()) arrays["hidden_states"] = select_layers(e.hidden_states, chosen_layers);
    if (pooling && !pooled_only) arrays["pooled"] = std::move(e.pooled);
    if (o.attentions) arrays["attentions"] = std::move(e.attentions);
    if (o.logits) arrays["logits"] = std::move(e.logits);
    const std::string prefix = kind == OutputKind::Npy ? "" : npz_member_key(name, keys) + "/";
    for (auto& [key, tensor] : arrays) {
      if (npz) npz->add(prefix + key, tensor);
      else in_memory[prefix + key] = std::move(tensor);
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream rate;
  rate << "splicebert embed: " << inputs.size() << " records, " << nucleotides << " nt in " << seconds << " s ("
       << static_cast<int64_t>(nucleotides / std::max(seconds, 1e-9)) << " nt/s)";
  progress.message(rate.str());

  if (npz) {
    if (pooling) {
      npz->add("pooled", stacked);
      npz->add_strings("names", names);
    }
    npz->add_text("__provenance__", nlohmann::json(meta).dump());
    npz->finish();
  } else if (kind == OutputKind::Safetensors) {
    file.stream() << safetensors_bytes(in_memory, meta);
  } else if (kind == OutputKind::Npy) {
    if (in_memory.size() != 1) fail(out_path, ": .npy holds one array; drop --layers/--pool/--attentions/--logits");
    file.stream() << npy_bytes(in_memory.begin()->second);
  }
  if (!file.stream()) fail(out_path, ": write failed");
  file.commit();
  return 0;
}

VerbRegistrar registrar("embed", "write embeddings (hidden states, pooled vectors, attentions, logits)",
                        [](CLI::App& app) {
  auto o = std::make_shared<EmbedCliOptions>();
  add_model_option(app, o->model);
  add_input_option(app, o->input, "FASTA file ('-' = stdin)");
  add_output_option(app, o->output, "output .npz, .safetensors or .npy (single record)");
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  add_no_t_to_u_option(app, o->no_t_to_u);
  add_precision_option(app, o->precision);
  app.get_option("--input")->required();
  app.get_option("--output")->required();
  app.add_option("--layers", o->layers,
                 "hidden states to write: 'all', indices like 0,3,6 (0 = embeddings), or 'none' (pooled only)");
  app.add_flag("--no-per-nucleotide", o->no_per_nucleotide, "write pooled vectors only (needs --pool)");
  app.add_flag("--normalize", o->normalize, "scale each pooled vector to unit L2 norm");
  app.add_option("--pool", o->pool, "pooled vector per record")->check(CLI::IsMember({"none", "mean", "cls", "max"}));
  app.add_flag("--attentions", o->attentions, "attention maps [layers, NH, T, T]");
  app.add_flag("--logits", o->logits, "MLM logits per nucleotide");
  app.add_flag("--keep-special", o->keep_special, "keep the <cls>/<eos> rows (T rows instead of L)");
  add_window_option(app, o->window, "nucleotides per window for long records (default: the model's maximum)");
  add_stride_option(app, o->stride);
  app.add_option("--max-tokens", o->max_tokens, "token budget per batch")->capture_default_str();
  add_shard_option(app, o->shard);
  return [o] { return run_embed(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
