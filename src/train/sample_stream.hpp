// The order in which a stage visits its corpus, and how each optimiser step's samples are packed into
// micro-batches. Every rank computes the same plan from window lengths alone and then reads only the samples of its
// own micro-batches, so one rank with accumulation k·n and n ranks with accumulation k see the same micro-batches.
#pragma once
#include <cstdint>
#include <vector>

#include "train/corpus.hpp"

namespace splicebert::train::detail {

struct SampleRef {
  uint64_t index = 0;  // in the corpus
  uint64_t key = 0;    // unique in the run: keys the sample's masking and dropout
};

// Epoch after epoch of seeded permutations of [0, corpus size).
class SampleStream {
 public:
  struct Position {
    uint64_t epoch = 0, index = 0;
  };
  SampleStream(uint64_t corpus_size, uint64_t seed, uint64_t stage);
  SampleRef next();
  Position position() const { return position_; }
  void seek(Position position) { position_ = position; }

 private:
  void ensure_permutation();
  uint64_t size_, seed_, stage_;
  Position position_;
  uint64_t permutation_epoch_ = UINT64_MAX;
  std::vector<uint64_t> permutation_;
};

struct PackingOptions {
  int64_t batch_tokens = 8192;  // padded tokens (rows × longest row incl. <cls>/<eos>) per micro-batch
  int64_t max_batch_size = 0;   // rows per micro-batch, 0 = no limit
};

// The next optimiser step: `slots` (= ranks × accumulation) micro-batches filled greedily in stream order; a sample
// that alone exceeds the budget gets a micro-batch of its own. Slot s belongs to rank s % ranks.
std::vector<std::vector<SampleRef>> plan_step(SampleStream& stream, const Corpus& corpus, int64_t slots,
                                              const PackingOptions& packing);

// Packs the given samples in order (validation).
std::vector<std::vector<SampleRef>> pack_in_order(const std::vector<SampleRef>& samples, const Corpus& corpus,
                                                  const PackingOptions& packing);

}  // namespace splicebert::train::detail
