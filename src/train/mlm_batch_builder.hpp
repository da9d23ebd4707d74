// Turns planned samples into an MlmBatch: tokenise, mask with the sample's own generator (seeded from the step's key
// and the sample's key, so masks do not depend on which rank or micro-batch holds the sample), pad.
#pragma once
#include <vector>

#include "splicebert/train.hpp"
#include "train/corpus.hpp"
#include "train/sample_stream.hpp"

namespace splicebert::train::detail {

struct BatchCounts {
  int64_t labelled = 0;  // selected (labelled) tokens
  int64_t real = 0;      // tokens with attention mask 1
  int64_t unknown = 0;   // characters the tokenizer turned into <unk> (never masked, never labelled)
};

// `mask_key` is the step's key (training) or a fixed key (validation); returns the batch and adds to `counts`.
MlmBatch build_mlm_batch(const Corpus& corpus, const std::vector<SampleRef>& samples, const Tokenizer& tokenizer,
                         const MaskingOptions& masking, uint64_t mask_key, BatchCounts& counts);

}  // namespace splicebert::train::detail
