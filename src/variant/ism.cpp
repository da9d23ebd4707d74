// In-silico mutagenesis: every single-nucleotide substitution of a record, each scored by the context KL of docs/variants.md
// against the REF pass of its window, which is run once per window and shared by all 3·L substitutions in it.
#include <algorithm>
#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/pipelines.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

std::vector<Span> ism_windows(int64_t L, int64_t window, int64_t context_radius) {
  if (window < 1) fail("ISM window must be at least 1 nucleotide");
  if (L <= window) return {{0, L}};
  // Overlap 2·radius, so that every position owned by a window (the most central one) keeps `radius` nt of
  // context on both sides, except at the record's own ends.
  const int64_t overlap = std::min(2 * context_radius, window / 2), stride = window - overlap;
  std::vector<Span> windows;
  for (int64_t start = 0;; start += stride) {
    if (start + window >= L) {
      windows.push_back({L - window, L});  // the last window ends exactly at the record's end
      return windows;
    }
    windows.push_back({start, start + window});
  }
}

namespace {

// For each position, the window where it is most central (the stitching rule of the pipelines).
std::vector<uint32_t> owners(const std::vector<Span>& spans, int64_t L) {
  std::vector<Window> windows;
  for (const Span& span : spans) windows.push_back({span.start, span.end - span.start});
  return window_owners(windows, L);
}

struct Substitution {
  int64_t position;  // in the record
  int base;          // A, C, G, U index
};

}  // namespace

IsmResult in_silico_mutagenesis(Session& session, const std::string& sequence, const IsmOptions& options) {
  const Model& model = session.model();
  const Tokenizer& tokenizer = model.tokenizer();
  const int64_t V = model.config().vocab_size, max_nt = model.config().max_position_embeddings - 2;
  const int64_t window = options.window > 0 ? options.window : max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  const std::vector<int>& nucleotides = tokenizer.nucleotide_ids();
  const int64_t L = static_cast<int64_t>(sequence.size());
  // Probabilities per position: 4 nucleotides (docs/variants.md) or the clipped whole vocabulary (SB's ISM study).
  const int64_t width = options.full_vocab ? V : 4;
  auto distributions = [&](const float* logits, int64_t length) {
    return options.full_vocab ? clipped_vocabulary_distributions(logits + V, length, V)
                              : nucleotide_distributions(logits + V, length, V, nucleotides);
  };

  IsmResult result;
  result.scores.assign(static_cast<size_t>(L * 4), NAN);
  const std::vector<Span> windows = ism_windows(L, window, options.context_radius);
  const std::vector<uint32_t> owner = owners(windows, L);
  result.windows = static_cast<int64_t>(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    const Span span = windows[w];
    const int64_t length = span.end - span.start;
    auto encoded = tokenizer.encode(std::string_view(sequence).substr(static_cast<size_t>(span.start),
                                                                      static_cast<size_t>(length)));
    if (static_cast<int64_t>(encoded.ids.size()) != length + 2)
      fail("ISM window at ", span.start, " tokenized to ", encoded.ids.size() - 2, " tokens for ", length, " nt");
    // Every substitution of the positions this window owns; a non-ACGU reference letter gets all four bases.
    std::vector<Substitution> substitutions;
    std::vector<std::vector<int32_t>> alt_ids;
    for (int64_t i = span.start; i < span.end; ++i) {
      if (owner[static_cast<size_t>(i)] != w || (options.positions && !options.positions->contains(i))) continue;
      const int ref_base = base_index(sequence[static_cast<size_t>(i)]);
      for (int base = 0; base < 4; ++base) {
        if (base == ref_base) continue;
        substitutions.push_back({i, base});
        alt_ids.push_back(encoded.ids);
        alt_ids.back()[static_cast<size_t>(i - span.start + 1)] = nucleotides[static_cast<size_t>(base)];
      }
    }
    if (substitutions.empty()) continue;
    std::vector<double> ref;
    for_each_logits(session, {encoded.ids}, options.max_tokens,
                    [&](size_t, const float* logits) { ref = distributions(logits, length); });
    for_each_logits(session, alt_ids, options.max_tokens, [&](size_t index, const float* logits) {
      const Substitution& s = substitutions[index];
      const std::vector<double> kl = kl_profile(ref, distributions(logits, length), width);
      result.scores[static_cast<size_t>(s.position * 4 + s.base)] =
          context_kl(kl, s.position - span.start, options.context_radius);
    });
    result.forwards += 1 + static_cast<int64_t>(alt_ids.size());
  }
  return result;
}

}  // namespace splicebert::variant
