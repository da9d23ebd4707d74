// The MultiMolecule RnaTokenizer (docs/model.md, "Tokenizer"), for any vocab.txt a checkpoint carries:
// the 28- and 26-token MultiMolecule alphabets and the 10-token original SpliceBERT one ([PAD] [UNK] [CLS] [SEP]
// [MASK] N A C G T), where the same user input works (U->T internally, <mask> -> [MASK]).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace splicebert {

class Tokenizer {
 public:
  // `source` names the vocabulary in error messages. Throws if a required special token is missing.
  static Tokenizer from_tokens(std::vector<std::string> tokens, const std::string& source);
  static Tokenizer from_vocab_file(const std::string& path);

  struct Encoded {
    std::vector<int32_t> ids;  // <cls> ... <eos>
    int64_t unknown = 0;       // characters that became <unk>
  };
  // Splits special tokens off first (exact, case-sensitive), upper-cases the rest, T->U (or U->T for a T vocabulary),
  // maps every other character to <unk>; adds <cls>/<eos> unless add_special is false.
  Encoded encode(std::string_view text, bool add_special = true) const;

  // <cls> ids <eos>: the one place where nucleotide ids (a record, or a window of one) get their special tokens.
  std::vector<int32_t> with_special_tokens(std::span<const int32_t> nucleotide_ids) const;

  void set_t_to_u(bool enabled) { t_to_u_ = enabled; }
  bool original_vocabulary() const { return original_; }  // [CLS]/[SEP] style, T not U

  int size() const { return static_cast<int>(tokens_.size()); }
  const std::string& token(int id) const { return tokens_.at(static_cast<size_t>(id)); }
  int id_of(std::string_view token) const;  // -1 when absent
  const std::vector<std::string>& tokens() const { return tokens_; }

  int pad_id() const { return pad_id_; }
  int cls_id() const { return cls_id_; }
  int eos_id() const { return eos_id_; }
  int unk_id() const { return unk_id_; }
  int mask_id() const { return mask_id_; }
  bool is_special(int id) const;
  // ids of A, C, G and U (T in the original vocabulary), in that order
  const std::vector<int>& nucleotide_ids() const { return nucleotide_ids_; }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::pair<std::string, int>> specials_;  // text -> id, longest first
  int char_ids_[256];
  std::vector<int> nucleotide_ids_;
  int pad_id_ = -1, cls_id_ = -1, eos_id_ = -1, unk_id_ = -1, mask_id_ = -1;
  bool original_ = false, t_to_u_ = true;
};

}  // namespace splicebert
