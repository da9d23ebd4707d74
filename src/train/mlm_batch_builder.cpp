#include "train/mlm_batch_builder.hpp"

#include <algorithm>

namespace splicebert::train::detail {

MlmBatch build_mlm_batch(const Corpus& corpus, const std::vector<SampleRef>& samples, const Tokenizer& tokenizer,
                         const MaskingOptions& masking, uint64_t mask_key, BatchCounts& counts) {
  std::vector<std::vector<int32_t>> rows, row_labels;
  MlmBatch mlm;
  for (const SampleRef& sample : samples) {
    Tokenizer::Encoded encoded = tokenizer.encode(corpus.text(sample.index));
    std::vector<int32_t> ids = std::move(encoded.ids), labels;
    counts.unknown += encoded.unknown;
    counts.real += static_cast<int64_t>(ids.size());
    Rng rng(derive_seed(mask_key, sample.key));
    counts.labelled += mask_tokens(ids, labels, tokenizer, masking, rng);
    rows.push_back(std::move(ids));
    row_labels.push_back(std::move(labels));
    mlm.sequence_keys.push_back(sample.key);
  }
  mlm.batch = make_batch(rows, tokenizer.pad_id());
  mlm.labels.assign(mlm.batch.input_ids.size(), -100);
  for (size_t r = 0; r < row_labels.size(); ++r)
    std::copy(row_labels[r].begin(), row_labels[r].end(), mlm.labels.begin() + static_cast<int64_t>(r) * mlm.batch.tokens);
  return mlm;
}

}  // namespace splicebert::train::detail
