// Pipeline bindings: fill-mask, feature extraction (windowed, stitched, pooled), windowed nucleotide-head logits,
// sequence-pair variant scores and in-silico mutagenesis. Each call borrows a session and runs without the GIL.
#include <cmath>

#include "bindings.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/task_model.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/pair_scoring.hpp"
#include "splicebert/pipelines.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::python {

namespace {

Pooling pooling_of(const std::string& name) {
  if (name == "none" || name.empty()) return Pooling::None;
  if (name == "mean") return Pooling::Mean;
  if (name == "cls") return Pooling::Cls;
  if (name == "max") return Pooling::Max;
  fail("pool must be none, mean, cls or max, got '", name, "'");
}

py::list fill_mask_binding(ModelHandle& handle, const std::vector<std::string>& texts, int top_k,
                           bool nucleotides_only, bool replace_T_with_U) {
  if (top_k < 1) fail("top_k must be at least 1, got ", top_k);
  if (!handle.model()->weights().lm_head) fail(handle.model()->source(), ": this checkpoint has no MLM head (lm_head.*)");
  std::vector<std::vector<std::vector<FillMaskCandidate>>> all;
  {
    py::gil_scoped_release release;
    auto session = handle.borrow();
    for (const auto& text : texts)
      all.push_back(fill_mask(*session, text,
                               {.top_k = top_k, .nucleotides_only = nucleotides_only, .t_to_u = replace_T_with_U}));
  }
  py::list out;
  for (const auto& per_text : all) {
    py::list masks;
    for (const auto& candidates : per_text) {
      py::list list;
      for (const auto& c : candidates) {
        py::dict d;
        d["score"] = c.score;
        d["token"] = c.token;
        d["token_str"] = c.token_str;
        d["sequence"] = c.sequence;
        list.append(d);
      }
      masks.append(list);
    }
    out.append(masks);
  }
  return out;
}

py::list embed_binding(ModelHandle& handle, const std::vector<std::vector<int32_t>>& records, bool all_layers,
                       const std::string& pool, bool attentions, bool logits, bool keep_special, int64_t window,
                       int64_t stride, int64_t max_tokens) {
  EmbedOptions options{.all_layers = all_layers, .pooling = pooling_of(pool), .attentions = attentions,
                       .logits = logits, .keep_special = keep_special, .window = window, .stride = stride,
                       .max_tokens = max_tokens};
  std::vector<Embedding> embeddings;
  {
    py::gil_scoped_release release;
    auto session = handle.borrow();
    embeddings = embed(*session, records, options);
  }
  py::list out;
  for (Embedding& e : embeddings) {
    py::dict d;
    d["last_hidden_state"] = to_numpy(std::move(e.last_hidden_state));
    if (all_layers) d["hidden_states"] = to_numpy(std::move(e.hidden_states));
    if (options.pooling != Pooling::None) d["pooled"] = to_numpy(std::move(e.pooled));
    if (attentions) d["attentions"] = to_numpy(std::move(e.attentions));
    if (logits) d["logits"] = to_numpy(std::move(e.logits));
    d["windows"] = e.windows;
    out.append(d);
  }
  return out;
}

py::dict scores_dict(const variant::SubstitutionScores& s) {
  auto optional = [](const std::optional<double>& v) { return v ? py::cast(*v) : py::none(); };
  py::dict d;
  d["context_kl"] = s.context_kl;
  d["max_kl"] = s.max_kl;
  d["max_kl_offset"] = std::isnan(s.max_kl) ? py::none() : py::cast(s.max_kl_offset);
  d["donor_kl"] = optional(s.donor_kl);
  d["acceptor_kl"] = optional(s.acceptor_kl);
  d["masked_delta_p"] = s.masked_delta_p;
  return d;
}

}  // namespace

void bind_pipelines(py::module_& m) {
  m.def("fill_mask", &fill_mask_binding, py::arg("model"), py::arg("texts"), py::arg("top_k") = 5,
        py::arg("nucleotides_only") = false, py::arg("replace_T_with_U") = true,
        "Per text, per <mask>: the top_k candidates as dicts {score, token, token_str, sequence}.");
  m.def("embed", &embed_binding, py::arg("model"), py::arg("records"), py::arg("all_layers") = false,
        py::arg("pool") = "none", py::arg("attentions") = false, py::arg("logits") = false,
        py::arg("keep_special") = false, py::arg("window") = 0, py::arg("stride") = 0, py::arg("max_tokens") = 16384,
        "Feature extraction of token-id records WITHOUT <cls>/<eos> (long records windowed and stitched): per "
        "record a dict of last_hidden_state [rows, C], hidden_states, pooled, attentions, logits, windows.");
  m.def(
      "token_logits",
      [](ModelHandle& handle, const std::vector<int32_t>& ids, int64_t window, int64_t stride, int64_t max_tokens) {
        Tensor logits;
        {
          py::gil_scoped_release release;
          auto session = handle.borrow();
          logits = windowed_token_logits(*session, ids, window, stride, max_tokens);
        }
        return to_numpy(std::move(logits));
      },
      py::arg("model"), py::arg("ids"), py::arg("window") = 0, py::arg("stride") = 0, py::arg("max_tokens") = 16384,
      "Nucleotide-head logits [L, n] of one record of any length (ids without <cls>/<eos>), windowed and stitched.");
  m.def(
      "site_scores",
      [](const ModelHandle& handle, const FloatArray& logits, int score_class) {
        const HeadConfig& head = handle.model()->config().head;
        if (logits.ndim() != 2 || logits.shape(1) != head.num_labels)
          fail("logits must be [L, ", head.num_labels, "], got ", shape_to_string(shape_of(logits)));
        score_class = resolve_score_class(head, score_class);
        std::vector<double> scores(static_cast<size_t>(logits.shape(0)));
        for (py::ssize_t i = 0; i < logits.shape(0); ++i)
          scores[static_cast<size_t>(i)] =
              head_row_score(logits.data() + i * head.num_labels, head.num_labels, score_class, head.problem_type);
        return owned_array(std::move(scores), {static_cast<int64_t>(logits.shape(0))});
      },
      py::arg("model"), py::arg("logits"), py::arg("score_class") = -1,
      "Per-row scores of head logits [L, n], as `splicebert predict` reports them.");
  m.def(
      "read_fasta",
      [](const std::string& path) {
        std::vector<std::pair<std::string, std::string>> records;
        for (auto& record : read_fasta(path)) records.emplace_back(record.name, std::move(record.sequence));
        return records;
      },
      py::arg("path"), "(name, sequence) of every record of a FASTA file (plain or gzip), errors naming the line.");
  m.def(
      "score_pairs",
      [](ModelHandle& handle, const std::vector<py::dict>& rows, const std::string& center, int64_t window,
         int64_t max_kl_window, bool masked_delta_p, int64_t max_tokens) {
        if (center != "variant" && center != "exon") fail("center must be 'variant' or 'exon', got '", center, "'");
        std::vector<variant::SequencePair> pairs;
        for (size_t i = 0; i < rows.size(); ++i) {
          const py::dict& row = rows[i];
          for (const char* key : {"ref", "alt", "pos"})
            if (!row.contains(key)) fail("pair ", i + 1, ": missing '", key, "'");
          variant::SequencePair p;
          p.id = row.contains("id") ? py::str(row["id"]).cast<std::string>() : "pair" + std::to_string(i + 1);
          p.ref = row["ref"].cast<std::string>();
          p.alt = row["alt"].cast<std::string>();
          p.position = row["pos"].cast<int64_t>();
          if (p.position < 0 || p.position >= static_cast<int64_t>(p.ref.size()))
            fail("pair ", p.id, ": pos ", p.position, " is outside ref (", p.ref.size(), " nt)");
          if (row.contains("exon_start") && row.contains("exon_end") && !row["exon_start"].is_none())
            p.exon = variant::Span{row["exon_start"].cast<int64_t>(), row["exon_end"].cast<int64_t>()};
          p.line = static_cast<int64_t>(i) + 1;
          pairs.push_back(std::move(p));
        }
        variant::ScoringOptions options;
        options.max_kl_radius = max_kl_window;
        options.max_tokens = max_tokens;
        options.masked_delta_p = masked_delta_p;
        std::vector<variant::PairScore> results;
        {
          py::gil_scoped_release release;
          auto session = handle.borrow();
          results = variant::score_sequence_pairs(*session, pairs, center == "exon" ? variant::Center::Exon
                                                                                    : variant::Center::Variant,
                                                  window, options);
        }
        py::list out;
        for (size_t i = 0; i < results.size(); ++i) {
          py::dict d = results[i].status == "scored" ? scores_dict(results[i].scores) : py::dict();
          d["id"] = pairs[i].id;
          d["status"] = results[i].status;
          out.append(d);
        }
        return out;
      },
      py::arg("model"), py::arg("pairs"), py::arg("center") = "variant", py::arg("window") = 0,
      py::arg("max_kl_window") = 50, py::arg("masked_delta_p") = true, py::arg("max_tokens") = 16384,
      "Zero-shot scores of REF/ALT sequence pairs (dicts with ref, alt, pos [, id, exon_start, exon_end]).");
  m.def(
      "read_sequence_pairs",
      [](const std::string& path) {
        py::list out;
        for (const auto& p : variant::read_sequence_pairs(path)) {
          py::dict d;
          d["id"] = p.id;
          d["ref"] = p.ref;
          d["alt"] = p.alt;
          d["pos"] = p.position;
          d["exon_start"] = p.exon ? py::cast(p.exon->start) : py::none();
          d["exon_end"] = p.exon ? py::cast(p.exon->end) : py::none();
          out.append(d);
        }
        return out;
      },
      py::arg("path"), "The pairs of a score-pairs TSV (id, ref, alt, pos [, exon_start, exon_end]).");
  m.def(
      "ism",
      [](ModelHandle& handle, const std::string& sequence, bool full_vocab, int64_t window, int64_t context_radius,
         int64_t max_tokens) {
        variant::IsmOptions options;
        options.full_vocab = full_vocab;
        options.window = window;
        options.context_radius = context_radius;
        options.max_tokens = max_tokens;
        variant::IsmResult result;
        {
          py::gil_scoped_release release;
          auto session = handle.borrow();
          result = variant::in_silico_mutagenesis(*session, sequence, options);
        }
        const int64_t L = static_cast<int64_t>(sequence.size());
        return owned_array(std::move(result.scores), {L, 4});
      },
      py::arg("model"), py::arg("sequence"), py::arg("full_vocab") = false, py::arg("window") = 0,
      py::arg("context_radius") = 100, py::arg("max_tokens") = 16384,
      "In-silico mutagenesis: [L, 4] context KL of every substitution (columns A C G U; NaN at the reference base).");
}

}  // namespace splicebert::python
