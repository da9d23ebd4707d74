#include "train/corpus.hpp"

#include <filesystem>

#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"

namespace splicebert::train::detail {

Corpus Corpus::open(const std::vector<std::string>& paths, const WindowingOptions& windows, int64_t max_length,
                    uint64_t seed) {
  Corpus corpus;
  size_t dropped_for_n = 0;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::exists(path + ".index", ec)) {
      auto shard = std::make_shared<genome::WindowShard>(genome::WindowShard::open(path));
      const uint32_t source = static_cast<uint32_t>(corpus.shards_.size());
      for (size_t i = 0; i < shard->size(); ++i) {
        const int64_t length = static_cast<int64_t>(shard->window(i).size());
        if (length > max_length)
          fail(path, ": window ", i, " has ", length, " nt, more than the model's ", max_length,
               " (write the shard with a smaller --length / --max-length)");
        if (length == 0) continue;
        corpus.entries_.push_back({source, true, i, 0, length});
      }
      corpus.shards_.push_back(std::move(shard));
      continue;
    }
    if (!std::filesystem::exists(path, ec)) fail(path, ": no such FASTA file or window shard (PREFIX.index)");
    if (windows.max_length > max_length)
      fail(path, ": windows of up to ", windows.max_length, " nt do not fit the model's ", max_length);
    const uint32_t source = static_cast<uint32_t>(corpus.fasta_.size());
    std::vector<std::string> sequences;
    genome::WindowParams params;
    params.min_length = windows.min_length;
    params.max_length = windows.max_length;
    params.stride = windows.stride;
    params.random_offsets = windows.random_offsets;
    params.seed = seed;
    FastaReader reader(path);
    FastaRecord record;
    while (reader.next(record)) {
      const uint64_t item = sequences.size();
      // A stream per (file, record): windows do not move when other files are added.
      const uint64_t stream = derive_seed(source, item);
      for (const genome::WindowSpan& span : genome::sample_windows(static_cast<int64_t>(record.sequence.size()),
                                                                   params, stream)) {
        const std::string_view text(record.sequence.data() + span.offset, static_cast<size_t>(span.length));
        if (genome::non_acgt_fraction(text) > windows.max_n_fraction) {
          ++dropped_for_n;
          continue;
        }
        corpus.entries_.push_back({source, false, item, span.offset, span.length});
      }
      sequences.push_back(std::move(record.sequence));
    }
    corpus.fasta_.push_back(std::move(sequences));
  }
  if (corpus.entries_.empty() && !paths.empty())
    fail(paths.front(), paths.size() > 1 ? " and the other sources" : "", ": no windows of at least ",
         windows.min_length, " nt");
  corpus.description_ = std::to_string(corpus.entries_.size()) + " windows from " + std::to_string(paths.size()) +
                        " source(s)";
  if (dropped_for_n) corpus.description_ += ", " + std::to_string(dropped_for_n) + " dropped over max_n_fraction";
  return corpus;
}

std::string_view Corpus::text(size_t i) const {
  const Entry& e = entries_.at(i);
  if (e.from_shard) return shards_[e.source]->window(e.item);
  const std::string& sequence = fasta_[e.source][e.item];
  return std::string_view(sequence).substr(static_cast<size_t>(e.offset), static_cast<size_t>(e.length));
}

}  // namespace splicebert::train::detail
