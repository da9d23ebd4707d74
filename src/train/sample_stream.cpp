#include "train/sample_stream.hpp"

#include <algorithm>
#include <numeric>

#include "splicebert/error.hpp"

namespace splicebert::train::detail {

SampleStream::SampleStream(uint64_t corpus_size, uint64_t seed, uint64_t stage)
    : size_(corpus_size), seed_(seed), stage_(stage) {
  if (size_ == 0) fail("training: the corpus has no windows");
}

void SampleStream::ensure_permutation() {
  if (permutation_epoch_ == position_.epoch) return;
  permutation_.resize(size_);
  std::iota(permutation_.begin(), permutation_.end(), uint64_t{0});
  Rng rng(derive_seed(seed_, stage_ * 0x100000000ull + 0x5EED, position_.epoch));
  for (uint64_t i = size_; i > 1; --i) std::swap(permutation_[i - 1], permutation_[rng.below(i)]);  // Fisher-Yates
  permutation_epoch_ = position_.epoch;
}

SampleRef SampleStream::next() {
  if (position_.index >= size_) {
    ++position_.epoch;
    position_.index = 0;
  }
  ensure_permutation();
  SampleRef ref{permutation_[position_.index], derive_seed(stage_, position_.epoch, position_.index)};
  ++position_.index;
  return ref;
}

namespace {

// Adds samples to `batch` while the padded size stays within budget; returns false when `sample` did not fit.
bool fits(const std::vector<SampleRef>& batch, int64_t longest, int64_t tokens, const PackingOptions& packing) {
  if (batch.empty()) return true;
  if (packing.max_batch_size > 0 && static_cast<int64_t>(batch.size()) >= packing.max_batch_size) return false;
  return static_cast<int64_t>(batch.size() + 1) * std::max(longest, tokens) <= packing.batch_tokens;
}

}  // namespace

std::vector<std::vector<SampleRef>> plan_step(SampleStream& stream, const Corpus& corpus, int64_t slots,
                                              const PackingOptions& packing) {
  std::vector<std::vector<SampleRef>> plan(static_cast<size_t>(slots));
  for (auto& batch : plan) {
    int64_t longest = 0;
    while (true) {
      const SampleStream::Position before = stream.position();
      const SampleRef sample = stream.next();
      const int64_t tokens = corpus.length(sample.index) + 2;
      if (!fits(batch, longest, tokens, packing)) {
        stream.seek(before);  // the sample opens the next micro-batch
        break;
      }
      batch.push_back(sample);
      longest = std::max(longest, tokens);
    }
  }
  return plan;
}

std::vector<std::vector<SampleRef>> pack_in_order(const std::vector<SampleRef>& samples, const Corpus& corpus,
                                                  const PackingOptions& packing) {
  std::vector<std::vector<SampleRef>> batches;
  std::vector<SampleRef> batch;
  int64_t longest = 0;
  for (const SampleRef& sample : samples) {
    const int64_t tokens = corpus.length(sample.index) + 2;
    if (!fits(batch, longest, tokens, packing)) {
      batches.push_back(std::move(batch));
      batch.clear();
      longest = 0;
    }
    batch.push_back(sample);
    longest = std::max(longest, tokens);
  }
  if (!batch.empty()) batches.push_back(std::move(batch));
  return batches;
}

}  // namespace splicebert::train::detail
