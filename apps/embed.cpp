// splicebert embed -m DIR -i FASTA -o OUT.npz|.safetensors|.npy: per-nucleotide embeddings and more (SPEC §5, §9).
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert::cli {
namespace {

struct EmbedCliOptions {
  std::string model, input, output, layers, pool = "none";
  Precision precision = Precision::F32;
  bool attentions = false, logits = false, keep_special = false, no_t_to_u = false, quiet = false;
  int threads = 0;
  int64_t window = 0, stride = 0, max_tokens = 16384;
};

// "all" or a comma list of hidden-state indices (0 = embedding output).
std::vector<int64_t> parse_layers(const std::string& text, int64_t layers) {
  std::vector<int64_t> chosen;
  if (text.empty()) return chosen;
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
  app.add_option("--layers", o->layers, "hidden states to write: 'all' or indices like 0,3,6 (0 = embeddings)");
  app.add_option("--pool", o->pool, "pooled vector per record")->check(CLI::IsMember({"none", "mean", "cls", "max"}));
  app.add_flag("--attentions", o->attentions, "attention maps [layers, NH, T, T]");
  app.add_flag("--logits", o->logits, "MLM logits per nucleotide");
  app.add_flag("--keep-special", o->keep_special, "keep the <cls>/<eos> rows (T rows instead of L)");
  add_window_option(app, o->window, "nucleotides per window for long records (default: the model's maximum)");
  add_stride_option(app, o->stride);
  app.add_option("--max-tokens", o->max_tokens, "token budget per batch")->capture_default_str();
  return [o] {
    apply_threads(o->threads);
    const std::string& out_path = o->output;
    const bool npz = out_path.ends_with(".npz"), st = out_path.ends_with(".safetensors"),
               npy = out_path.ends_with(".npy");
    if (!npz && !st && !npy) fail(out_path, ": output must end in .npz, .safetensors or .npy");
    LoadOptions load{.require_lm_head = o->logits,
                     .precision = o->precision};
    auto model = Model::load(o->model, load);
    Tokenizer tokenizer = model->tokenizer();
    tokenizer.set_t_to_u(!o->no_t_to_u);
    const auto chosen_layers = parse_layers(o->layers, model->config().num_hidden_layers);

    std::vector<std::pair<std::string, std::string>> inputs = collect_sequences({}, o->input);
    if (npy && inputs.size() != 1) fail(out_path, ": .npy holds one record, the input has ", inputs.size());
    std::vector<std::vector<int32_t>> records;
    int64_t nucleotides = 0;
    for (const auto& [name, text] : inputs) {
      auto encoded = tokenizer.encode(text, /*add_special=*/false);
      report_unknown_characters("embed", name, encoded.unknown, tokenizer, o->quiet);
      warn_if_short("embed", name, static_cast<int64_t>(encoded.ids.size()), o->quiet);
      nucleotides += static_cast<int64_t>(encoded.ids.size());
      records.push_back(std::move(encoded.ids));
    }
    EmbedOptions embed_options{.all_layers = !chosen_layers.empty(), .pooling = parse_pooling(o->pool),
                               .attentions = o->attentions, .logits = o->logits, .keep_special = o->keep_special,
                               .window = o->window, .stride = o->stride, .max_tokens = o->max_tokens};
    Session session(model);
    auto started = std::chrono::steady_clock::now();
    auto embeddings = embed(session, records, embed_options);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Progress progress{o->quiet};
    for (size_t r = 0; r < inputs.size(); ++r)
      if (embeddings[r].windows > 1)
        progress.message("splicebert embed: " + inputs[r].first + ": " + std::to_string(records[r].size()) +
                         " nt in " + std::to_string(embeddings[r].windows) + " windows");
    std::ostringstream rate;
    rate << "splicebert embed: " << inputs.size() << " records, " << nucleotides << " nt in " << seconds << " s ("
         << static_cast<int64_t>(nucleotides / std::max(seconds, 1e-9)) << " nt/s)";
    progress.message(rate.str());

    TensorMap named;
    for (size_t r = 0; r < inputs.size(); ++r) {
      const std::string prefix = npy ? "" : inputs[r].first + "/";
      Embedding& e = embeddings[r];
      named[prefix + "last_hidden_state"] = std::move(e.last_hidden_state);
      if (!chosen_layers.empty()) named[prefix + "hidden_states"] = select_layers(e.hidden_states, chosen_layers);
      if (embed_options.pooling != Pooling::None) named[prefix + "pooled"] = std::move(e.pooled);
      if (o->attentions) named[prefix + "attentions"] = std::move(e.attentions);
      if (o->logits) named[prefix + "logits"] = std::move(e.logits);
    }
    auto meta = provenance(model.get());
    if (npy) {
      if (named.size() != 1) fail(out_path, ": .npy holds one array; drop --layers/--pool/--attentions/--logits");
      AtomicOutput file(out_path);
      file.stream() << npy_bytes(named.begin()->second);
      file.commit();
    } else if (st) {
      write_safetensors(out_path, named, meta);
    } else {
      NpzWriter writer;
      for (const auto& [key, tensor] : named) writer.add(key, tensor);
      writer.add_text("__provenance__", nlohmann::json(meta).dump());
      writer.write(out_path);
    }
    return 0;
  };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
