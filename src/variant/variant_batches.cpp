// Batched MLM forwards for the variant scorer and ISM: many short sequences (mostly of one window length) packed
// into batches by a token budget. Longest first, so that a batch pads little; sequences of equal length land in the
// same batch and need no padding at all, which keeps their logits identical to a single-sequence forward.
#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

void for_each_logits(Session& session, const std::vector<std::vector<int32_t>>& sequences, int64_t max_tokens,
                     const std::function<void(size_t, const float*)>& consume) {
  const Tokenizer& tokenizer = session.model().tokenizer();
  const int64_t V = session.model().config().vocab_size;
  std::vector<int64_t> lengths;
  for (const auto& sequence : sequences) lengths.push_back(static_cast<int64_t>(sequence.size()));
  const BatchPlan plan = plan_token_batches(lengths, max_tokens);
  ForwardOptions forward;
  forward.mlm_logits = true;
  std::vector<std::vector<int32_t>> batch;
  for (const auto& [begin, end] : plan.groups) {
    batch.clear();
    for (size_t k = begin; k < end; ++k) batch.push_back(sequences[plan.order[k]]);
    const ForwardOutput& out = session.forward(make_batch(batch, tokenizer.pad_id()), forward);
    const int64_t padded = out.mlm_logits.dim(1);
    for (size_t k = begin; k < end; ++k)
      consume(plan.order[k], out.mlm_logits.ptr() + static_cast<int64_t>(k - begin) * padded * V);
  }
}

}  // namespace splicebert::variant
