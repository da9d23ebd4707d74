// The samples a training stage draws from: windows of window shards (`splicebert windows` output, used as written)
// and of FASTA files (cut here with genome::sample_windows). Holds only offsets for shards (their bytes stay
// mmapped) and the sequences of FASTA files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "splicebert/genome.hpp"
#include "splicebert/pretrain.hpp"

namespace splicebert::train::detail {

class Corpus {
 public:
  // A path is a shard when PATH.index exists, else a FASTA file (plain or gzip). `max_length` is the longest sample
  // the model takes (positions − 2); a longer shard window is an error naming it. `seed` places FASTA windows.
  static Corpus open(const std::vector<std::string>& paths, const WindowingOptions& windows, int64_t max_length,
                     uint64_t seed);
  size_t size() const { return entries_.size(); }
  int64_t length(size_t i) const { return entries_[i].length; }
  std::string_view text(size_t i) const;
  const std::string& description() const { return description_; }

 private:
  struct Entry {
    uint32_t source;     // index into shards_ (shard) or fasta_ (FASTA)
    bool from_shard;
    uint64_t item;       // shard window or FASTA record
    int64_t offset = 0;  // in the FASTA record
    int64_t length = 0;
  };
  std::vector<std::shared_ptr<genome::WindowShard>> shards_;
  std::vector<std::vector<std::string>> fasta_;  // per file, the record sequences
  std::vector<Entry> entries_;
  std::string description_;
};

}  // namespace splicebert::train::detail
