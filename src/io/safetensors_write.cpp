// safetensors writer, byte-compatible with what transformers (and the fixtures' generator) write: compact JSON in
// the key order __metadata__, then tensors by name, each {"dtype","shape","data_offsets"}; the header padded with
// spaces to a multiple of 8; float32 data back to back in name order. Being byte-exact lets tests compare hashes.
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

// A JSON string literal as Python's json.dumps writes it (ASCII only, \uXXXX escapes).
std::string json_string(const std::string& text, const std::string& source) {
  try {
    return nlohmann::json(text).dump(-1, ' ', /*ensure_ascii=*/true);
  } catch (const nlohmann::json::exception&) {
    fail(source, ": name '", text, "' is not valid UTF-8");
  }
}

std::string shape_json(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ",";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

std::string encode(const TensorMap& tensors, const std::map<std::string, std::string>& metadata,
                   const std::string& source) {
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) {
      if (header.back() != '{') header += ",";
      header += json_string(key, source) + ":" + json_string(value, source);
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__") fail(source, ": '__metadata__' is reserved and cannot name a tensor");
    for (int64_t extent : tensor.shape)
      if (extent < 0) fail(source, ": tensor '", name, "': negative extent in shape ", shape_to_string(tensor.shape));
    if (shape_numel(tensor.shape) != tensor.numel())
      fail(source, ": tensor '", name, "': shape ", shape_to_string(tensor.shape), " does not match its ",
           tensor.numel(), " values");
    const uint64_t end = offset + 4 * static_cast<uint64_t>(tensor.numel());
    if (header.size() > 1) header += ",";
    header += json_string(name, source) + ":{\"dtype\":\"F32\",\"shape\":" + shape_json(tensor.shape) +
              ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
    offset = end;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');

  static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
  std::string bytes(8 + header.size() + offset, '\0');
  const uint64_t header_size = header.size();
  std::memcpy(bytes.data(), &header_size, 8);
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  char* data = bytes.data() + 8 + header.size();
  for (const auto& [name, tensor] : tensors) {
    if (tensor.empty()) continue;  // memcpy from a null pointer is undefined even for 0 bytes
    std::memcpy(data, tensor.ptr(), 4 * static_cast<size_t>(tensor.numel()));
    data += 4 * tensor.numel();
  }
  return bytes;
}

}  // namespace

std::string safetensors_bytes(const TensorMap& tensors, const std::map<std::string, std::string>& metadata) {
  return encode(tensors, metadata, "safetensors output");
}

void write_safetensors(const std::string& path, const TensorMap& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string bytes = encode(tensors, metadata, path);
  AtomicOutput output(path);
  output.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  output.commit();
}

}  // namespace splicebert
