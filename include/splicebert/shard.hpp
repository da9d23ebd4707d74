// Deterministic shards (docs/scale-out.md): `--shard I/N` makes a verb process the I-th of N contiguous blocks of
// its input records, so that the N outputs laid end to end (bcftools concat for VCF, `splicebert merge` for npz and
// text outputs) are the unsharded output, header included but for the provenance line with the command.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace splicebert {

struct Shard {
  int64_t index = 1, count = 1;  // 1-based index of count shards
  // "I/N" with 1 <= I <= N; throws a one-line Error otherwise.
  static Shard parse(const std::string& text);
  bool whole() const { return count == 1; }
  // Records [begin, end) (0-based) of `total`: block I of N, sizes differing by at most one, earlier blocks smaller.
  int64_t begin(int64_t total) const { return (index - 1) * total / count; }
  int64_t end(int64_t total) const { return index * total / count; }
  bool contains(int64_t record, int64_t total) const { return record >= begin(total) && record < end(total); }
};

// Records of a VCF / BCF (bgzip or not; never stdin), counted by reading the file once.
int64_t count_vcf_records(const std::string& path);

// Lays the shard outputs `inputs` (in shard order) end to end into `output`, as the unsharded run writes it:
//  - .npz: the members of every shard in order; the per-run arrays `pooled` (rows stacked) and `names` (joined)
//    are combined, and `__provenance__` comes from the first shard. A record key present in two shards is an error.
//  - anything else is text: the header of the first shard (leading '#', track and browser lines, and for .tsv files
//    with a column row, that row), then every shard's lines after its own header.
// VCF and BCF outputs are merged with `bcftools concat --no-version` instead (refused here with that hint).
void merge_shard_outputs(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace splicebert
