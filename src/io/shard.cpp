// --shard I/N: parsing, counting the records of an input, and `splicebert merge` of shard outputs.
#include "splicebert/shard.hpp"

#include <htslib/hts.h>
#include <htslib/vcf.h>

#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include "io/npy_header.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

Shard Shard::parse(const std::string& text) {
  Shard shard;
  char tail = 0;
  long long index = 0, count = 0;
  if (std::sscanf(text.c_str(), "%lld/%lld%c", &index, &count, &tail) != 2 || count < 1 || index < 1 || index > count)
    fail("--shard ", text, ": expected I/N with 1 <= I <= N, e.g. 2/8");
  shard.index = index;
  shard.count = count;
  return shard;
}

int64_t count_vcf_records(const std::string& path) {
  if (path == "-") fail("--shard needs the input as a file (it counts the records first), not standard input");
  htsFile* file = hts_open(path.c_str(), "r");
  if (!file) fail(path, ": cannot open");
  bcf_hdr_t* header = bcf_hdr_read(file);
  if (!header) {
    hts_close(file);
    fail(path, ": cannot read the VCF header");
  }
  bcf1_t* record = bcf_init();
  int64_t records = 0;
  // A record htslib cannot read fails every shard, as it fails the unsharded run (which names it in more detail).
  bool broken = false;
  for (;;) {
    record->errcode = 0;
    const int status = bcf_read(file, header, record);
    if (status == -1 && record->errcode == 0) break;  // the end
    // An undeclared contig or tag is declared by htslib itself (as score-vcf accepts it); anything else is broken.
    if (status < 0 || (record->errcode & ~(BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF)) != 0) {
      broken = true;
      break;
    }
    ++records;
  }
  bcf_destroy(record);
  bcf_hdr_destroy(header);
  hts_close(file);
  if (broken) fail(path, ": record ", records + 1, " cannot be read (counting records for --shard)");
  return records;
}

namespace {
std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct NpyParts {
  NpyHeader header;
  std::string data;
};
NpyParts split_npy(const std::string& bytes, const std::string& source) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) fail(source, ": not an .npy member");
  const size_t length = static_cast<uint8_t>(bytes[8]) | static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8;
  if (10 + length > bytes.size()) fail(source, ": truncated .npy header");
  return {parse_npy_header_dict(std::string_view(bytes).substr(10, length), source), bytes.substr(10 + length)};
}

bool is_run_member(const std::string& name) {
  return name == "__provenance__.npy" || name == "pooled.npy" || name == "names.npy";
}

// Stacks the rows of the shards' `pooled` arrays ([n, C] float32 each).
std::string stack_rows(const std::vector<std::string>& members, const std::string& what) {
  std::string data, descr;
  int64_t rows = 0;
  Shape tail;
  for (const std::string& member : members) {
    NpyParts parts = split_npy(member, what);
    if (parts.header.shape.empty()) fail(what, ": a 0-d array cannot be stacked");
    Shape rest(parts.header.shape.begin() + 1, parts.header.shape.end());
    if (!descr.empty() && (parts.header.descr != descr || rest != tail))
      fail(what, ": shards hold arrays of different types or widths; were they made with the same options?");
    descr = parts.header.descr;
    tail = rest;
    rows += parts.header.shape[0];
    data += parts.data;
  }
  Shape shape{rows};
  shape.insert(shape.end(), tail.begin(), tail.end());
  return npy_header_bytes(descr, shape) + data;
}

// Joins the shards' `names` arrays ('<UW' strings), widening every element to the longest.
std::string join_names(const std::vector<std::string>& members, const std::string& what) {
  std::vector<std::u32string> names;
  size_t width = 1;
  for (const std::string& member : members) {
    NpyParts parts = split_npy(member, what);
    if (!parts.header.descr.starts_with("<U") || parts.header.shape.size() != 1) fail(what, ": not a string array");
    const size_t w = std::stoul(parts.header.descr.substr(2));
    if (w == 0 || parts.data.size() != static_cast<size_t>(parts.header.shape[0]) * w * 4) fail(what, ": bad size");
    for (int64_t i = 0; i < parts.header.shape[0]; ++i) {
      std::u32string name;
      for (size_t c = 0; c < w; ++c) {
        char32_t code = 0;
        std::memcpy(&code, parts.data.data() + (static_cast<size_t>(i) * w + c) * 4, 4);
        if (code == 0) break;
        name += code;
      }
      width = std::max(width, name.size());
      names.push_back(std::move(name));
    }
  }
  std::string data(names.size() * width * 4, '\0');
  for (size_t i = 0; i < names.size(); ++i) std::memcpy(&data[i * width * 4], names[i].data(), names[i].size() * 4);
  return npy_header_bytes("<U" + std::to_string(width), {static_cast<int64_t>(names.size())}) + data;
}

void merge_npz(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<std::vector<ZipMember>> shards;
  for (const std::string& path : inputs) {
    const std::string bytes = read_whole(path);
    shards.push_back(parse_zip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path));
  }
  // Where the per-run arrays go (before or after the records) is taken from a shard that has records.
  const std::vector<ZipMember>* layout = &shards[0];
  for (const auto& shard : shards)
    for (const ZipMember& m : shard)
      if (!is_run_member(m.name) && layout == &shards[0]) layout = &shard;
  std::vector<std::string> leading, trailing;
  bool records_seen = false;
  for (const ZipMember& m : *layout) {
    if (!is_run_member(m.name)) records_seen = true;
    else (records_seen ? trailing : leading).push_back(m.name);
  }
  if (!records_seen) {  // no shard has records: the first shard's order, all as trailing
    trailing = leading;
    leading.clear();
  }
  auto run_member = [&](const std::string& name) {
    std::vector<std::string> parts;
    for (size_t s = 0; s < shards.size(); ++s)
      for (const ZipMember& m : shards[s])
        if (m.name == name) parts.push_back(m.data);
    if (parts.size() != shards.size()) fail(name, ": present in some shards only; were they made with the same options?");
    if (name == "pooled.npy") return stack_rows(parts, "pooled");
    if (name == "names.npy") return join_names(parts, "names");
    return parts[0];  // __provenance__: the first shard's
  };
  AtomicOutput file(output);
  NpzStreamWriter npz(file.stream());
  auto key = [](const std::string& name) { return name.substr(0, name.size() - 4); };  // without ".npy"
  for (const std::string& name : leading) npz.add_npy(key(name), run_member(name));
  std::set<std::string> records_from_earlier_shards, this_shard;
  for (size_t s = 0; s < shards.size(); ++s) {
    this_shard.clear();
    for (const ZipMember& m : shards[s]) {
      if (is_run_member(m.name)) continue;
      const std::string record = m.name.substr(0, m.name.find('/'));
      if (records_from_earlier_shards.count(record))
        fail(inputs[s], ": record key '", record, "' is also in an earlier shard; give the records unique names");
      this_shard.insert(record);
      npz.add_npy(key(m.name), m.data);
    }
    records_from_earlier_shards.insert(this_shard.begin(), this_shard.end());
  }
  for (const std::string& name : trailing) npz.add_npy(key(name), run_member(name));
  npz.finish();
  file.commit();
}

bool is_header_line(const std::string& line) {
  return line.starts_with("#") || line.starts_with("track") || line.starts_with("browser");
}

void merge_text(const std::vector<std::string>& inputs, const std::string& output) {
  // A TSV's first line after the comments is its column row (predict --tsv: name score0 ...).
  const bool column_row = output.ends_with(".tsv") && !inputs.empty() && [&] {
    std::ifstream in(inputs[0]);
    std::string line;
    while (std::getline(in, line))
      if (!is_header_line(line)) return line.starts_with("name\t");
    return false;
  }();
  AtomicOutput file(output, false);
  for (size_t s = 0; s < inputs.size(); ++s) {
    std::ifstream in(inputs[s], std::ios::binary);
    if (!in) fail(inputs[s], ": cannot open");
    std::string line;
    bool in_header = true, column_row_pending = column_row;
    while (std::getline(in, line)) {
      const bool header = in_header && (is_header_line(line) || std::exchange(column_row_pending, false));
      if (!header) in_header = false;
      if (!header || s == 0) file.stream() << line << '\n';
    }
  }
  file.commit();
}
}  // namespace

void merge_shard_outputs(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.empty()) fail("merge: no shard outputs given");
  for (const std::string& path : inputs)
    if (path.ends_with(".vcf") || path.ends_with(".vcf.gz") || path.ends_with(".bcf"))
      fail(path, ": VCF/BCF shards are merged with bcftools concat --no-version -o OUT SHARD1 SHARD2 ...");
  if (output.ends_with(".npz")) merge_npz(inputs, output);
  else merge_text(inputs, output);
}

}  // namespace splicebert
