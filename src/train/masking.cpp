// MLM masking (docs/training.md, "masking"; our choice following the model card): BERT's 15 % / 80-10-10 rule over non-special tokens.
#include "splicebert/error.hpp"
#include "splicebert/train.hpp"

namespace splicebert::train {

int64_t mask_tokens(std::vector<int32_t>& ids, std::vector<int32_t>& labels, const Tokenizer& tokenizer,
                    const MaskingOptions& options, Rng& rng) {
  const std::vector<int>& bases = tokenizer.nucleotide_ids();
  if (bases.size() != 4) fail("masking: the vocabulary lacks one of A, C, G, U/T");
  labels.assign(ids.size(), -100);
  int64_t selected = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t original = ids[i];
    if (tokenizer.is_special(original)) continue;
    if (rng.uniform() >= options.probability) continue;
    ++selected;
    labels[i] = original;
    const double action = rng.uniform();
    if (action < options.mask_fraction) {
      ids[i] = tokenizer.mask_id();
    } else if (action < options.mask_fraction + options.random_fraction) {
      // A base different from the original: the other three for A/C/G/U, any of the four for N and IUPAC codes.
      std::vector<int32_t> choices;
      for (int base : bases)
        if (base != original) choices.push_back(base);
      ids[i] = choices[rng.below(choices.size())];
    }
  }
  return selected;
}

}  // namespace splicebert::train
