// Checkpoint conversion between the original SpliceBERT (HF BERT) layout and the MultiMolecule layout, as
// MultiMolecule's converter does it (docs/model.md, "Checkpoint folders"), and back where the vocabulary allows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "splicebert/tensor.hpp"
#include "splicebert/tokenizer.hpp"

namespace splicebert {

// "26" (the published hub files), "28" (current MultiMolecule) or a vocab.txt path.
std::vector<std::string> target_vocabulary(const std::string& name_or_file);

struct ConvertOptions {
  std::string vocab = "26";
  uint64_t seed = 1016;  // for the embedding rows of tokens that have no counterpart (e.g. <null>, I)
};

// Tensors under MultiMolecule names (canonical_tensor_name applied) re-indexed from `from` to `to_tokens`: renamed
// rows copied (T -> U, [CLS] -> <cls>, ...), IUPAC rows = float32 mean of their bases' rows (A, C, G, U order, weights
// and bias), other new rows normal(0, init_std) from `seed` with bias 0.
TensorMap reindex_vocabulary(TensorMap tensors, const Tokenizer& from, const std::vector<std::string>& to_tokens,
                             double init_std, uint64_t seed);

// Folder to folder; the layout of `in_dir` decides the direction. The output folder must not exist or be empty; it
// appears only when complete.
void convert_checkpoint(const std::string& in_dir, const std::string& out_dir, const ConvertOptions& options);

}  // namespace splicebert
