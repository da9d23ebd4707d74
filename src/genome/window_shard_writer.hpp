// Writes one token shard (see WindowShard in splicebert/genome.hpp for the layout). Every file goes through
// AtomicOutput: a failed run leaves no partial shard.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"

namespace splicebert::genome {

class WindowShardWriter {
 public:
  // `provenance` (tool version and command line) heads PREFIX.origins.tsv as a comment line.
  WindowShardWriter(const std::string& prefix, bool with_labels, const std::string& provenance);
  // `tokens` are already upper case; `labels` (when the shard has labels) has tokens.size() entries.
  void add(std::string_view tokens, uint8_t species, const int8_t* labels, const WindowOrigin& origin,
           const std::string& species_name);
  size_t size() const { return count_; }
  size_t nucleotides() const { return offset_; }
  void finish(const nlohmann::json& sidecar);  // writes PREFIX.json and renames every file into place

 private:
  std::string prefix_;
  std::unique_ptr<AtomicOutput> tokens_, index_, species_, origins_, labels_, json_;
  size_t count_ = 0;
  uint64_t offset_ = 0;
};

}  // namespace splicebert::genome
