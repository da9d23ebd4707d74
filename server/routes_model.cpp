// Model routes: /health, /info, /v1/models, /tokenize, /fill-mask, /v1/embeddings, /embed, /predict.
#include <cmath>

#include "http_support.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert::server {
namespace {

json info_json(const ServerContext& ctx) {
  const ModelConfig& c = ctx.model->config();
  json genome = nullptr;
  if (ctx.reference)
    genome = {{"fasta", ctx.options.fasta},
              {"contigs", ctx.reference->contig_count()},
              {"annotation", ctx.options.annotation},
              {"transcripts", ctx.transcript_count}};
  return {{"model", ctx.model_name},
          {"layout", c.layout == Layout::MultiMolecule ? "multimolecule" : "original"},
          {"architecture", c.architecture},
          {"layers", c.num_hidden_layers},
          {"hidden_size", c.hidden_size},
          {"attention_heads", c.num_attention_heads},
          {"vocab_size", c.vocab_size},
          {"max_nucleotides", c.max_position_embeddings - 2},
          {"parameters", ctx.model->parameter_count()},
          {"weights_sha256", ctx.model_sha256},
          {"engine", std::string("splicebert.cpp ") + SPLICEBERT_VERSION},
          {"has_mlm_head", ctx.model->weights().lm_head.has_value()},
          {"task_head", c.head.kind == HeadKind::None ? json(nullptr) : json(c.head.problem_type)},
          {"genome", genome},
          {"splice_model", ctx.splice_session ? json({{"model", ctx.splice_model_name},
                                                      {"weights_sha256", ctx.splice_model_sha256},
                                                      {"distance", ctx.options.splice_distance}})
                                              : json(nullptr)},
          {"dynamic_batching", ctx.options.dynamic_batching},
          {"max_batch_tokens", ctx.options.max_batch_tokens}};
}

// Sequences of a request, tokenized without <cls>/<eos>; unknown characters are refused (422), not silently kept.
std::vector<std::vector<int32_t>> encode_all(const ServerContext& ctx, const std::vector<std::string>& texts,
                                            int64_t& tokens) {
  std::vector<std::vector<int32_t>> records;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto encoded = ctx.model->tokenizer().encode(texts[i], false);
    if (encoded.unknown > 0)
      throw ApiError(422, "sequence " + std::to_string(i) + " holds " + std::to_string(encoded.unknown) +
                              " characters that are not nucleotides or tokens of the vocabulary");
    tokens += static_cast<int64_t>(encoded.ids.size()) + 2;
    records.push_back(std::move(encoded.ids));
  }
  return records;
}

json floats(const float* p, int64_t n) { return json(std::vector<float>(p, p + n)); }

json rows(const Tensor& t) {  // [rows, C] as a list of lists
  json out = json::array();
  const int64_t C = t.shape.back(), R = t.numel() / std::max<int64_t>(C, 1);
  for (int64_t r = 0; r < R; ++r) out.push_back(floats(t.ptr() + r * C, C));
  return out;
}

std::string base64_floats(const Tensor& t) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = reinterpret_cast<const unsigned char*>(t.ptr());  // float32 little-endian, as OpenAI's API
  const size_t n = t.data.size() * sizeof(float);
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = bytes[i] << 16;
    if (i + 1 < n) v |= bytes[i + 1] << 8;
    if (i + 2 < n) v |= bytes[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? alphabet[v & 63] : '=';
  }
  return out;
}

Pooling parse_pooling(const std::string& name) {
  if (name == "none") return Pooling::None;
  if (name == "mean") return Pooling::Mean;
  if (name == "cls") return Pooling::Cls;
  if (name == "max") return Pooling::Max;
  throw ApiError(422, "'pooling' must be none, mean, cls or max");
}

json candidates_json(const std::vector<FillMaskCandidate>& list) {
  json out = json::array();
  for (const auto& c : list)
    out.push_back({{"score", c.score}, {"token", c.token}, {"token_str", c.token_str}, {"sequence", c.sequence}});
  return out;
}

}  // namespace

void add_model_routes(httplib::Server& http, ServerContext& ctx) {
  http.Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    if (ctx.ready) return send_json(res, {{"status", "ok"}});
    res.set_header("Retry-After", "1");
    send_json(res, {{"status", ctx.load_error.empty() ? "loading" : "failed"}, {"message", ctx.load_error}}, 503);
  });

  http.Get("/info", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] { send_json(res, info_json(ctx)); });
  });

  http.Get("/v1/models", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      json model = info_json(ctx);
      model["id"] = ctx.model_name;
      model["object"] = "model";
      model["owned_by"] = "local";
      send_json(res, {{"object", "list"}, {"data", json::array({model})}});
    });
  });

  http.Post("/tokenize", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      const json body = parse_body(req);
      const auto texts = string_or_list(body, "sequences", ctx.options.max_sequences,
                                        static_cast<size_t>(ctx.options.max_sequence_nt));
      const Tokenizer& tokenizer = ctx.model->tokenizer();
      json out = json::array();
      int64_t tokens = 0;
      for (const auto& text : texts) {
        auto encoded = tokenizer.encode(text);
        json names = json::array();
        for (int32_t id : encoded.ids) names.push_back(tokenizer.token(id));
        tokens += static_cast<int64_t>(encoded.ids.size());
        out.push_back({{"input_ids", encoded.ids},
                       {"attention_mask", std::vector<int>(encoded.ids.size(), 1)},
                       {"tokens", names},
                       {"unknown", encoded.unknown}});
      }
      note_tokens(res, tokens);
      send_json(res, {{"tokens", out}});
    });
  });

  http.Post("/fill-mask", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      if (!ctx.model->weights().lm_head) throw ApiError(422, "the model has no MLM head: fill-mask needs one");
      const json body = parse_body(req);
      const bool many = body.contains("inputs") && body["inputs"].is_array();
      const auto texts = string_or_list(body, "inputs", ctx.options.max_sequences,
                                        static_cast<size_t>(ctx.options.max_sequence_nt));
      FillMaskOptions options;
      options.top_k = static_cast<int>(int_field(body, "top_k", 5, 1, 64));
      options.nucleotides_only = bool_field(body, "nucleotides_only", false);
      const int64_t max_tokens = ctx.model->config().max_position_embeddings;
      int64_t tokens = 0;
      for (size_t i = 0; i < texts.size(); ++i) {
        const auto ids = ctx.model->tokenizer().encode(texts[i]).ids;
        if (static_cast<int64_t>(ids.size()) > max_tokens)
          throw ApiError(422, "input " + std::to_string(i) + " has " + std::to_string(ids.size()) +
                                  " tokens; the model takes at most " + std::to_string(max_tokens));
        if (std::find(ids.begin(), ids.end(), ctx.model->tokenizer().mask_id()) == ids.end())
          throw ApiError(422, "input " + std::to_string(i) + " has no <mask> token to fill");
        tokens += static_cast<int64_t>(ids.size());
      }
      RequestWatch watch(ctx, req);
      // The job owns its inputs and outputs: a request that gives up (504, client gone) must not leave a running
      // job writing into the handler's stack.
      struct Work {
        std::vector<std::string> texts;
        std::vector<std::vector<std::vector<FillMaskCandidate>>> results;
      };
      auto work = std::make_shared<Work>(Work{texts, std::vector<std::vector<std::vector<FillMaskCandidate>>>(texts.size())});
      auto done = ctx.queue->run_alone(
          [work, options](Session& session) {
            for (size_t i = 0; i < work->texts.size(); ++i) work->results[i] = fill_mask(session, work->texts[i], options);
          },
          tokens, watch.control());
      watch.wait(done);
      const auto& results = work->results;
      // The transformers pipeline's shape: one mask -> candidates; several masks -> a list per mask; a list of
      // inputs -> a list of those.
      json all = json::array();
      for (const auto& per_input : results) {
        if (per_input.size() == 1) {
          all.push_back(candidates_json(per_input[0]));
        } else {
          json per_mask = json::array();
          for (const auto& list : per_input) per_mask.push_back(candidates_json(list));
          all.push_back(per_mask);
        }
      }
      note_tokens(res, tokens);
      send_json(res, many ? all : all[0]);
    });
  });

  http.Post("/v1/embeddings", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      const json body = parse_body(req);
      const auto texts = string_or_list(body, "input", ctx.options.max_sequences,
                                        static_cast<size_t>(ctx.options.max_sequence_nt));
      const std::string format = string_field(body, "encoding_format", "float");
      if (format != "float" && format != "base64") throw ApiError(422, "'encoding_format' must be float or base64");
      const std::string model = string_field(body, "model", ctx.model_name);
      if (model != ctx.model_name) throw ApiError(404, "model '" + model + "' is not served here");
      int64_t tokens = 0;
      auto records = encode_all(ctx, texts, tokens);
      EmbedOptions options;
      options.pooling = Pooling::Mean;  // the model's default: SpliceBERT has no trained pooler
      options.max_tokens = ctx.options.max_batch_tokens;
      RequestWatch watch(ctx, req);
      auto future = ctx.queue->embed(std::move(records), options, watch.control());
      const auto embeddings = watch.wait(future);
      json data = json::array();
      for (size_t i = 0; i < embeddings.size(); ++i) {
        const Tensor& pooled = embeddings[i].pooled;
        data.push_back({{"object", "embedding"},
                        {"index", i},
                        {"embedding", format == "base64" ? json(base64_floats(pooled))
                                                         : floats(pooled.ptr(), pooled.numel())}});
      }
      note_tokens(res, tokens);
      send_json(res, {{"object", "list"},
                      {"data", data},
                      {"model", ctx.model_name},
                      {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
    });
  });

  http.Post("/embed", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      const json body = parse_body(req);
      const auto texts = string_or_list(body, "sequences", ctx.options.max_sequences,
                                        static_cast<size_t>(ctx.options.max_sequence_nt));
      EmbedOptions options;
      const std::string layers = string_field(body, "layers", "last");
      if (layers != "last" && layers != "all") throw ApiError(422, "'layers' must be last or all");
      options.all_layers = layers == "all";
      options.pooling = parse_pooling(string_field(body, "pooling", "mean"));
      const bool per_nucleotide = bool_field(body, "per_nucleotide", false);
      options.keep_special = bool_field(body, "keep_special", false);
      const int64_t max_nt = ctx.model->config().max_position_embeddings - 2;
      options.window = int_field(body, "window", 0, 0, max_nt);
      options.stride = int_field(body, "stride", 0, 0, max_nt);
      options.max_tokens = ctx.options.max_batch_tokens;
      if (!per_nucleotide && options.pooling == Pooling::None)
        throw ApiError(422, "nothing to return: set 'pooling' or 'per_nucleotide'");
      int64_t tokens = 0;
      auto records = encode_all(ctx, texts, tokens);
      // The response must stay bounded: rows x hidden x layers floats.
      const int64_t C = ctx.model->config().hidden_size, layer_count = ctx.model->config().num_hidden_layers + 1;
      if (per_nucleotide && tokens * C * (options.all_layers ? layer_count : 1) > 8'000'000)
        throw ApiError(422, "the per-nucleotide output would exceed 8 million numbers; send fewer nucleotides");
      RequestWatch watch(ctx, req);
      auto future = ctx.queue->embed(std::move(records), options, watch.control());
      const auto embeddings = watch.wait(future);
      json out = json::array();
      for (const auto& e : embeddings) {
        json item = {{"windows", e.windows}};
        if (options.pooling != Pooling::None) item["pooled"] = floats(e.pooled.ptr(), e.pooled.numel());
        if (per_nucleotide) {
          if (options.all_layers) {
            json all = json::array();
            const int64_t per_layer = e.hidden_states.numel() / e.hidden_states.dim(0);
            for (int64_t l = 0; l < e.hidden_states.dim(0); ++l)
              all.push_back(rows(Tensor({e.hidden_states.dim(1), e.hidden_states.dim(2)},
                                        std::vector<float>(e.hidden_states.ptr() + l * per_layer,
                                                           e.hidden_states.ptr() + (l + 1) * per_layer))));
            item["hidden_states"] = all;
          } else {
            item["last_hidden_state"] = rows(e.last_hidden_state);
          }
        }
        out.push_back(item);
      }
      note_tokens(res, tokens);
      send_json(res, {{"model", ctx.model_name}, {"embeddings", out}});
    });
  });

  http.Post("/predict", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      const HeadConfig& head = ctx.model->config().head;
      if (head.kind == HeadKind::None)
        throw ApiError(422, "the model has no task head: serve a fine-tuned model (splicebert finetune) for /predict");
      if (head.kind != HeadKind::Token && head.kind != HeadKind::Sequence)
        throw ApiError(422, "/predict serves sequence and token heads; this model's head is a contact head");
      const json body = parse_body(req);
      const auto texts = string_or_list(body, "sequences", ctx.options.max_sequences,
                                        static_cast<size_t>(ctx.options.max_sequence_nt));
      int64_t tokens = 0;
      auto records = encode_all(ctx, texts, tokens);
      const int64_t max_nt = ctx.model->config().max_position_embeddings - 2;
      if (head.kind == HeadKind::Sequence)
        for (size_t i = 0; i < records.size(); ++i)
          if (static_cast<int64_t>(records[i].size()) > max_nt)
            throw ApiError(422, "sequence " + std::to_string(i) + " is longer than the model's " +
                                    std::to_string(max_nt) + " nt (a sequence head sees one window)");
      RequestWatch watch(ctx, req);
      struct Work {  // owned by the job (see /fill-mask)
        std::vector<std::vector<int32_t>> records;
        std::vector<Tensor> logits;
      };
      auto work = std::make_shared<Work>();
      work->records = std::move(records);
      work->logits.resize(work->records.size());
      const int64_t budget = ctx.options.max_batch_tokens;
      const HeadKind kind = head.kind;
      auto done = ctx.queue->run_alone(
          [work, budget, kind](Session& session) {
            const Tokenizer& tokenizer = session.model().tokenizer();
            for (size_t i = 0; i < work->records.size(); ++i) {
              if (kind == HeadKind::Token) {
                work->logits[i] = windowed_token_logits(session, work->records[i], 0, 0, budget);
              } else {
                const Batch batch = make_batch({tokenizer.with_special_tokens(work->records[i])}, tokenizer.pad_id());
                const auto& out = session.forward(batch, head_forward_options(session.model().config()));
                work->logits[i] = head_logits(session.model(), batch, out);
              }
            }
          },
          tokens, watch.control());
      watch.wait(done);
      const auto& logits = work->logits;
      json out = json::array();
      for (const auto& t : logits) out.push_back(head.kind == HeadKind::Token ? rows(t) : floats(t.ptr(), t.numel()));
      note_tokens(res, tokens);
      send_json(res, {{"model", ctx.model_name},
                      {"head", head.kind == HeadKind::Token ? "token" : "sequence"},
                      {"problem_type", head.problem_type},
                      {"num_labels", head.num_labels},
                      {"logits", out}});
    });
  });
}

}  // namespace splicebert::server
