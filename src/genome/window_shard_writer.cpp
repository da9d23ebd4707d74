#include "window_shard_writer.hpp"

namespace splicebert::genome {

namespace {
void write_u64_le(std::ostream& out, uint64_t value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  out.write(bytes, 8);
}
}  // namespace

WindowShardWriter::WindowShardWriter(const std::string& prefix, bool with_labels, const std::string& provenance)
    : prefix_(prefix) {
  tokens_ = std::make_unique<AtomicOutput>(prefix + ".tokens");
  index_ = std::make_unique<AtomicOutput>(prefix + ".index");
  species_ = std::make_unique<AtomicOutput>(prefix + ".species");
  origins_ = std::make_unique<AtomicOutput>(prefix + ".origins.tsv", false);
  if (with_labels) labels_ = std::make_unique<AtomicOutput>(prefix + ".labels");
  json_ = std::make_unique<AtomicOutput>(prefix + ".json", false);
  write_u64_le(index_->stream(), 0);
  origins_->stream() << "# " << provenance << '\n' << "#window\tspecies\trecord\toffset\tlength\tchrom\tstart\tend\tstrand\n";
}

void WindowShardWriter::add(std::string_view tokens, uint8_t species, const int8_t* labels, const WindowOrigin& origin,
                            const std::string& species_name) {
  tokens_->stream().write(tokens.data(), static_cast<std::streamsize>(tokens.size()));
  offset_ += tokens.size();
  write_u64_le(index_->stream(), offset_);
  species_->stream().put(static_cast<char>(species));
  if (labels_) labels_->stream().write(reinterpret_cast<const char*>(labels), static_cast<std::streamsize>(tokens.size()));
  const SequenceOrigin& g = origin.genomic;
  std::ostream& o = origins_->stream();
  o << count_ << '\t' << species_name << '\t' << origin.record << '\t' << origin.offset << '\t' << tokens.size() << '\t'
    << g.chrom << '\t';
  if (g.end > g.start) o << g.start << '\t' << g.end << '\t' << g.strand << '\n';
  else o << ".\t.\t.\n";  // spliced record: the window has no single genomic interval
  ++count_;
}

void WindowShardWriter::finish(const nlohmann::json& sidecar) {
  json_->stream() << sidecar.dump(2) << '\n';
  for (auto* output : {tokens_.get(), index_.get(), species_.get(), origins_.get(), labels_.get(), json_.get()}) {
    if (output) output->commit();
  }
}

}  // namespace splicebert::genome
