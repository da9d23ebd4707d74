// fill-mask pipeline (docs/model.md, "Pipelines"): softmax over the whole vocabulary at every <mask>, top-k candidates.
#include <algorithm>
#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert {

std::vector<std::vector<FillMaskCandidate>> fill_mask(Session& session, std::string_view text,
                                                      const FillMaskOptions& options) {
  Tokenizer tokenizer = session.model().tokenizer();  // a copy: the T -> U choice is this call's
  tokenizer.set_t_to_u(options.t_to_u);
  std::vector<int32_t> ids = tokenizer.encode(text).ids;
  std::vector<size_t> masks;
  for (size_t t = 0; t < ids.size(); ++t)
    if (ids[t] == tokenizer.mask_id()) masks.push_back(t);
  if (masks.empty()) fail("'", std::string(text.substr(0, 60)), "': no <mask> token to fill");
  if (options.top_k < 1) fail("--top-k must be at least 1");

  const ForwardOutput& out = session.forward(make_batch({ids}, tokenizer.pad_id()), {.mlm_logits = true});
  const int64_t V = session.model().config().vocab_size;

  std::vector<int> candidates;
  if (options.nucleotides_only) candidates = tokenizer.nucleotide_ids();
  else
    for (int v = 0; v < V; ++v) candidates.push_back(v);

  std::vector<std::vector<FillMaskCandidate>> results;
  for (size_t position : masks) {
    const float* logits = out.mlm_logits.ptr() + static_cast<int64_t>(position) * V;
    // Probabilities from the full-vocabulary softmax (as transformers' pipeline with `targets`), in double.
    double max_logit = *std::max_element(logits, logits + V), sum = 0;
    for (int64_t v = 0; v < V; ++v) sum += std::exp(static_cast<double>(logits[v]) - max_logit);
    std::vector<FillMaskCandidate> list;
    for (int v : candidates)
      list.push_back({std::exp(static_cast<double>(logits[v]) - max_logit) / sum, v, tokenizer.token(v), ""});
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    if (static_cast<int>(list.size()) > options.top_k) list.resize(static_cast<size_t>(options.top_k));
    for (auto& candidate : list) {
      // The input with this mask filled; <cls>/<eos>/<pad> dropped, other masks kept so the position stays visible.
      std::string sequence;
      for (size_t t = 0; t < ids.size(); ++t) {
        int id = t == position ? candidate.token : ids[t];
        if (t != position && id != tokenizer.mask_id() && tokenizer.is_special(id) && id != tokenizer.unk_id())
          continue;
        if (!sequence.empty()) sequence += ' ';
        sequence += tokenizer.token(id);
      }
      candidate.sequence = std::move(sequence);
    }
    results.push_back(std::move(list));
  }
  return results;
}

}  // namespace splicebert
