// MultiMolecule RnaTokenizer rules (docs/model.md, "Tokenizer"), for whatever vocabulary a checkpoint carries.
#include "splicebert/tokenizer.hpp"

#include <algorithm>
#include <cctype>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

// Special tokens of the two alphabets. In the original ([CLS]-style) vocabulary the MultiMolecule spellings are
// accepted as aliases, so the same user input (`<mask>`) works for both layouts.
const std::vector<std::string> kMultiMoleculeSpecials = {"<pad>", "<cls>", "<eos>", "<unk>", "<mask>", "<null>"};
const std::vector<std::pair<std::string, std::string>> kOriginalAliases = {
    {"<pad>", "[PAD]"}, {"<cls>", "[CLS]"}, {"<eos>", "[SEP]"}, {"<unk>", "[UNK]"}, {"<mask>", "[MASK]"}};

}  // namespace

Tokenizer Tokenizer::from_vocab_file(const std::string& path) {
  std::string text = read_file_text(path);
  std::vector<std::string> tokens;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A final newline does not add an empty token; an empty line in the middle is an error below.
    if (!(end == text.size() && line.empty())) tokens.push_back(line);
    start = end + 1;
  }
  return from_tokens(std::move(tokens), path);
}

Tokenizer Tokenizer::from_tokens(std::vector<std::string> tokens, const std::string& source) {
  Tokenizer t;
  t.tokens_ = std::move(tokens);
  if (t.tokens_.empty()) fail(source, ": vocabulary is empty");
  for (size_t i = 0; i < t.tokens_.size(); ++i) {
    const std::string& token = t.tokens_[i];
    if (token.empty()) fail(source, ": line ", i + 1, " is an empty token");
    if (!t.index_.emplace(token, static_cast<int>(i)).second)
      fail(source, ": token '", token, "' appears twice (line ", i + 1, ")");
  }
  t.original_ = t.index_.count("[CLS]") > 0 && t.index_.count("<cls>") == 0;
  auto require = [&](const std::string& name) {
    int id = t.id_of(name);
    if (id < 0) fail(source, ": vocabulary lacks the required special token '", name, "'");
    return id;
  };
  if (t.original_) {
    t.pad_id_ = require("[PAD]");
    t.cls_id_ = require("[CLS]");
    t.eos_id_ = require("[SEP]");
    t.unk_id_ = require("[UNK]");
    t.mask_id_ = require("[MASK]");
    for (const auto& [alias, name] : kOriginalAliases) t.specials_.push_back({alias, t.id_of(name)});
    for (const auto& [alias, name] : kOriginalAliases) t.specials_.push_back({name, t.id_of(name)});
  } else {
    t.pad_id_ = require("<pad>");
    t.cls_id_ = require("<cls>");
    t.eos_id_ = require("<eos>");
    t.unk_id_ = require("<unk>");
    t.mask_id_ = require("<mask>");
    for (const auto& name : kMultiMoleculeSpecials)
      if (int id = t.id_of(name); id >= 0) t.specials_.push_back({name, id});
  }
  // Longest first, so that no special token is split by a shorter one that prefixes it.
  std::stable_sort(t.specials_.begin(), t.specials_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  std::fill(std::begin(t.char_ids_), std::end(t.char_ids_), t.unk_id_);
  for (size_t i = 0; i < t.tokens_.size(); ++i) {
    const std::string& token = t.tokens_[i];
    if (token.size() == 1) t.char_ids_[static_cast<unsigned char>(token[0])] = static_cast<int>(i);
  }
  const char* bases = t.original_ ? "ACGT" : "ACGU";
  for (const char* b = bases; *b; ++b) {
    int id = t.id_of(std::string(1, *b));
    if (id < 0) fail(source, ": vocabulary lacks the nucleotide '", *b, "'");
    t.nucleotide_ids_.push_back(id);
  }
  return t;
}

int Tokenizer::id_of(std::string_view token) const {
  auto it = index_.find(std::string(token));
  return it == index_.end() ? -1 : it->second;
}

bool Tokenizer::is_special(int id) const {
  return id == pad_id_ || id == cls_id_ || id == eos_id_ || id == unk_id_ || id == mask_id_ ||
         (id >= 0 && id < size() && tokens_[static_cast<size_t>(id)] == "<null>");
}

Tokenizer::Encoded Tokenizer::encode(std::string_view text, bool add_special) const {
  Encoded out;
  out.ids.reserve(text.size() + 2);
  if (add_special) out.ids.push_back(cls_id_);
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    if (text[i] == '<' || text[i] == '[') {
      for (const auto& [special, id] : specials_) {
        if (text.compare(i, special.size(), special) == 0) {
          out.ids.push_back(id);
          i += special.size();
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (original_) {
      if (c == 'U') c = 'T';
    } else if (t_to_u_ && c == 'T') {
      c = 'U';
    }
    int id = char_ids_[static_cast<unsigned char>(c)];
    // A one-character token that is itself special (none today) must not be produced from plain text.
    if (id == unk_id_) ++out.unknown;
    out.ids.push_back(id);
    ++i;
  }
  if (add_special) out.ids.push_back(eos_id_);
  return out;
}

std::vector<int32_t> Tokenizer::with_special_tokens(std::span<const int32_t> nucleotide_ids) const {
  std::vector<int32_t> ids;
  ids.reserve(nucleotide_ids.size() + 2);
  ids.push_back(cls_id_);
  ids.insert(ids.end(), nucleotide_ids.begin(), nucleotide_ids.end());
  ids.push_back(eos_id_);
  return ids;
}

}  // namespace splicebert
