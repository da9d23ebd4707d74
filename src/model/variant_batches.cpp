// Batched MLM forwards for the variant scorer and ISM: many short sequences (mostly of one window length) packed
// into batches by a token budget. Longest first, so that a batch pads little; sequences of equal length land in the
// same batch and need no padding at all, which keeps their logits identical to a single-sequence forward.
#include <algorithm>
#include <numeric>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

void for_each_logits(Session& session, const std::vector<std::vector<int32_t>>& sequences, int64_t max_tokens,
                     const std::function<void(size_t, const float*)>& consume) {
  const Tokenizer& tokenizer = session.model().tokenizer();
  const int64_t V = session.model().config().vocab_size;
  std::vector<size_t> order(sequences.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sequences[a].size() > sequences[b].size(); });
  ForwardOptions forward;
  forward.mlm_logits = true;
  std::vector<std::vector<int32_t>> batch;
  for (size_t begin = 0; begin < order.size();) {
    const int64_t T = static_cast<int64_t>(sequences[order[begin]].size());
    size_t end = begin + 1;
    while (end < order.size() && static_cast<int64_t>(end - begin + 1) * T <= max_tokens) ++end;
    batch.clear();
    for (size_t k = begin; k < end; ++k) batch.push_back(sequences[order[k]]);
    const ForwardOutput& out = session.forward(make_batch(batch, tokenizer.pad_id()), forward);
    const int64_t padded = out.mlm_logits.dim(1);
    for (size_t k = begin; k < end; ++k)
      consume(order[k], out.mlm_logits.ptr() + static_cast<int64_t>(k - begin) * padded * V);
    begin = end;
  }
}

}  // namespace splicebert::variant
