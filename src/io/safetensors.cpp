// safetensors reader. The file is untrusted: every size, offset and shape is checked against the bytes actually
// present before any tensor data is touched, and every error names the source and the tensor at fault.
#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/float16.hpp"
#include "io/tensor_source.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; so must the host be");

namespace {

using nlohmann::json;

// The reference implementation's limit; a larger header is corruption, not a model.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

enum class Dtype { F32, F16, BF16 };

struct TensorEntry {
  std::string name;
  Dtype dtype;
  Shape shape;
  uint64_t numel;
  uint64_t begin, end;  // byte span relative to the start of the data section
};

Dtype parse_dtype(const std::string& source, const std::string& name, const json& value) {
  if (!value.is_string()) fail(source, ": tensor '", name, "': \"dtype\" must be a string");
  const std::string& dtype = value.get_ref<const std::string&>();
  if (dtype == "F32") return Dtype::F32;
  if (dtype == "F16") return Dtype::F16;
  if (dtype == "BF16") return Dtype::BF16;
  static const char* const known_unsupported[] = {"F64", "I64", "I32", "I16", "I8", "U64", "U32", "U16",
                                                   "U8", "BOOL", "F8_E4M3", "F8_E5M2"};
  bool known = std::find(std::begin(known_unsupported), std::end(known_unsupported), dtype) !=
               std::end(known_unsupported);
  fail(source, ": tensor '", name, "': ", known ? "unsupported" : "unknown", " dtype '", dtype,
       "' (only F32, F16 and BF16 can be read)");
}

size_t dtype_size(Dtype dtype) { return dtype == Dtype::F32 ? 4 : 2; }

// A JSON number that is a non-negative integer (nlohmann stores those as unsigned).
bool read_count(const json& value, uint64_t& out) {
  if (!value.is_number_unsigned()) return false;
  out = value.get<uint64_t>();
  return true;
}

TensorEntry parse_entry(const std::string& source, const std::string& name, const json& value) {
  if (!value.is_object()) fail(source, ": tensor '", name, "': entry must be a JSON object");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!value.contains(key)) fail(source, ": tensor '", name, "': missing \"", key, "\"");

  TensorEntry entry;
  entry.name = name;
  entry.dtype = parse_dtype(source, name, value["dtype"]);

  const json& shape = value["shape"];
  if (!shape.is_array()) fail(source, ": tensor '", name, "': \"shape\" must be an array");
  entry.numel = 1;
  for (const json& dim : shape) {
    uint64_t extent = 0;
    if (!read_count(dim, extent) || extent > static_cast<uint64_t>(INT64_MAX))
      fail(source, ": tensor '", name, "': shape ", shape.dump(), " must hold non-negative integers");
    if (__builtin_mul_overflow(entry.numel, extent, &entry.numel) || entry.numel > static_cast<uint64_t>(INT64_MAX))
      fail(source, ": tensor '", name, "': shape ", shape.dump(), " has too many elements");
    entry.shape.push_back(static_cast<int64_t>(extent));
  }

  const json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !read_count(offsets[0], entry.begin) ||
      !read_count(offsets[1], entry.end))
    fail(source, ": tensor '", name, "': \"data_offsets\" must be [begin, end] with non-negative integers");
  if (entry.begin > entry.end)
    fail(source, ": tensor '", name, "': data_offsets [", entry.begin, ", ", entry.end, "] has begin after end");
  uint64_t expected_bytes = 0;
  if (__builtin_mul_overflow(entry.numel, dtype_size(entry.dtype), &expected_bytes) ||
      entry.end - entry.begin != expected_bytes)
    fail(source, ": tensor '", name, "': data_offsets [", entry.begin, ", ", entry.end, "] span ",
         entry.end - entry.begin, " bytes but shape ", shape_to_string(entry.shape), " of ",
         value["dtype"].get<std::string>(), " needs ", entry.numel, " x ", dtype_size(entry.dtype), " bytes");
  return entry;
}

std::map<std::string, std::string> parse_metadata(const std::string& source, const json& value) {
  if (!value.is_object()) fail(source, ": \"__metadata__\" must be a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail(source, ": \"__metadata__\" value for '", key, "' must be a string");
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

// Parses the header, refusing duplicate top-level names: the JSON library would silently keep the last one.
json parse_header_json(const std::string& source, const uint8_t* begin, const uint8_t* end) {
  std::string duplicate;
  std::map<std::string, int> seen;
  auto note_top_level_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && parsed.is_string() &&
        ++seen[parsed.get<std::string>()] == 2 && duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(begin, end, note_top_level_keys);
  } catch (const json::exception& error) {
    fail(source, ": header is not valid JSON: ", error.what());
  }
  if (!header.is_object()) fail(source, ": header must be a JSON object, found ", header.type_name());
  if (!duplicate.empty()) fail(source, ": tensor '", duplicate, "' appears more than once in the header");
  return header;
}

void check_spans(const std::string& source, std::vector<const TensorEntry*> entries, uint64_t data_size) {
  for (const TensorEntry* entry : entries)
    if (entry->end > data_size)
      fail(source, ": tensor '", entry->name, "': data_offsets [", entry->begin, ", ", entry->end,
           "] lie outside the data section of ", data_size, " bytes");
  // Empty tensors occupy no bytes and cannot overlap anything.
  std::erase_if(entries, [](const TensorEntry* entry) { return entry->begin == entry->end; });
  std::sort(entries.begin(), entries.end(),
            [](const TensorEntry* a, const TensorEntry* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i]->begin < entries[i - 1]->end)
      fail(source, ": tensors '", entries[i - 1]->name, "' [", entries[i - 1]->begin, ", ", entries[i - 1]->end,
           "] and '", entries[i]->name, "' [", entries[i]->begin, ", ", entries[i]->end, "] overlap");
}

Tensor convert(const TensorEntry& entry, const uint8_t* bytes) {
  Tensor tensor(entry.shape);
  float* out = tensor.ptr();
  if (entry.numel == 0) return tensor;  // memcpy with a null pointer is undefined even for 0 bytes
  if (entry.dtype == Dtype::F32) {
    std::memcpy(out, bytes, entry.numel * 4);
    return tensor;
  }
  float (*widen)(uint16_t) = entry.dtype == Dtype::F16 ? half_bits_to_float : bfloat16_bits_to_float;
  for (uint64_t i = 0; i < entry.numel; ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes + 2 * i, 2);
    out[i] = widen(bits);
  }
  return tensor;
}

}  // namespace

namespace {

// The header parsed and every span checked; tensors converted on request.
class SafetensorsFile {
 public:
  SafetensorsFile(const uint8_t* data, size_t size, const std::string& source) {
    if (size < 8) fail(source, ": file is too short for a safetensors header (", size, " bytes, need at least 8)");
    uint64_t header_size = 0;
    std::memcpy(&header_size, data, 8);
    if (header_size > size - 8)
      fail(source, ": header length ", header_size, " exceeds the file size ", size, " (corrupt or truncated file)");
    if (header_size > kMaxHeaderBytes)
      fail(source, ": header length ", header_size, " is larger than the limit of ", kMaxHeaderBytes, " bytes");
    const json header = parse_header_json(source, data + 8, data + 8 + header_size);
    for (const auto& [name, value] : header.items()) {
      if (name == "__metadata__") metadata = parse_metadata(source, value);
      else entries.push_back(parse_entry(source, name, value));
    }
    data_section = data + 8 + header_size;
    std::vector<const TensorEntry*> views;
    for (const TensorEntry& entry : entries) views.push_back(&entry);
    check_spans(source, views, size - 8 - header_size);
  }

  std::vector<TensorEntry> entries;
  std::map<std::string, std::string> metadata;
  const uint8_t* data_section = nullptr;
};

class SafetensorsSource final : public TensorSource {
 public:
  SafetensorsSource(std::vector<uint8_t> bytes, const std::string& source)
      : TensorSource(source), bytes_(std::move(bytes)), file_(bytes_.data(), bytes_.size(), source) {
    for (const TensorEntry& entry : file_.entries) {
      shapes_[entry.name] = entry.shape;
      by_name_[entry.name] = &entry;
    }
  }
  const std::map<std::string, Shape>& index() const override { return shapes_; }
  Tensor read(const std::string& name) override {
    const TensorEntry& entry = *by_name_.at(name);
    spend(entry.numel * 4, this->source() + ": tensor '" + name + "'");
    return convert(entry, file_.data_section + entry.begin);
  }

 private:
  std::vector<uint8_t> bytes_;
  SafetensorsFile file_;
  std::map<std::string, Shape> shapes_;
  std::map<std::string, const TensorEntry*> by_name_;
};

}  // namespace

SafetensorsContents parse_safetensors(const uint8_t* data, size_t size, const std::string& source) {
  const SafetensorsFile file(data, size, source);
  SafetensorsContents contents;
  contents.metadata = file.metadata;
  for (const TensorEntry& entry : file.entries)
    contents.tensors.emplace(entry.name, convert(entry, file.data_section + entry.begin));
  return contents;
}

SafetensorsContents read_safetensors(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_safetensors(bytes.data(), bytes.size(), path);
}

std::unique_ptr<TensorSource> open_safetensors_source(const std::string& path) {
  return std::make_unique<SafetensorsSource>(read_file_bytes(path), path);
}

}  // namespace splicebert
