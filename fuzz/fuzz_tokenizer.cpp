// libFuzzer: the tokenizer on arbitrary text (the 26-token MultiMolecule vocabulary and the 10-token original one),
// and region strings ("chr1:100-200", with and without a strand) through parse_region. Inputs are split at the
// first NUL: the text before it goes to the tokenizer, the rest to parse_region.
#include <cstddef>
#include <cstdint>
#include <string>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/tokenizer.hpp"

namespace {

const splicebert::Tokenizer& tokenizer(bool original) {
  static const splicebert::Tokenizer multimolecule = splicebert::Tokenizer::from_tokens(
      {"<pad>", "<cls>", "<eos>", "<unk>", "<mask>", "<null>", "A", "C", "G", "U", "N", "R", "Y", "S", "W", "K", "M",
       "B", "D", "H", "V", ".", "X", "*", "-", "I"},
      "fuzz-vocab-26");
  static const splicebert::Tokenizer bert = splicebert::Tokenizer::from_tokens(
      {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "N", "A", "C", "G", "T"}, "fuzz-vocab-10");
  return original ? bert : multimolecule;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string text = input.substr(0, split);
  try {
    for (bool original : {false, true}) {
      const auto encoded = tokenizer(original).encode(text, /*add_special=*/true);
      for (int32_t id : encoded.ids)
        if (id < 0 || id >= tokenizer(original).size()) __builtin_trap();
    }
  } catch (const splicebert::Error&) {
  }
  if (split != std::string::npos) {
    try {
      static_cast<void>(splicebert::genome::parse_region(input.substr(split + 1), nullptr));
    } catch (const splicebert::Error&) {
    }
  }
  return 0;
}
