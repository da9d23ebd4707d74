// .npy reading and writing. Reading accepts format versions 1.0 to 3.0 and the little-endian numeric dtypes; the
// header's shape is checked against the bytes that follow before any of them is kept.
#include <bit>
#include <cstring>

#include <algorithm>

#include "io/npy_header.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

static_assert(std::endian::native == std::endian::little, "npy data is read as little-endian; so must the host be");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

uint64_t little_endian(const uint8_t* bytes, size_t count) {
  uint64_t value = 0;
  for (size_t i = 0; i < count; ++i) value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return value;
}

std::string npy_with_data(const std::string& descr, const Shape& shape, const void* data, size_t data_size) {
  std::string bytes = npy_header_bytes(descr, shape);
  if (data_size > 0) bytes.append(static_cast<const char*>(data), data_size);
  return bytes;
}

void check_shape_matches(const Shape& shape, int64_t numel, const char* what) {
  for (int64_t extent : shape)
    if (extent < 0) fail("npy output: negative extent in ", what, " shape ", shape_to_string(shape));
  if (shape_numel(shape) != numel)
    fail("npy output: ", what, " shape ", shape_to_string(shape), " does not match its ", numel, " values");
}

}  // namespace

NpyArray parse_npy(const uint8_t* data, size_t size, const std::string& source) {
  if (size < kMagicSize + 4 || std::memcmp(data, kMagic, kMagicSize) != 0)
    fail(source, ": not an npy file (no \\x93NUMPY magic)");
  const unsigned major = data[6], minor = data[7];
  if (major < 1 || major > 3 || minor != 0)
    fail(source, ": unsupported npy format version ", major, ".", minor, " (1.0, 2.0 and 3.0 are read)");
  const size_t length_bytes = major == 1 ? 2 : 4;
  const size_t prefix = kMagicSize + 2 + length_bytes;
  if (size < prefix) fail(source, ": truncated npy header");
  const uint64_t header_size = little_endian(data + kMagicSize + 2, length_bytes);
  if (header_size > size - prefix)
    fail(source, ": npy header length ", header_size, " exceeds the file size ", size, " (truncated file?)");

  const std::string_view dict(reinterpret_cast<const char*>(data + prefix), header_size);
  NpyHeader header = parse_npy_header_dict(dict, source);
  if (header.fortran_order) fail(source, ": Fortran-order (column-major) npy arrays are not supported");
  const size_t item_size = npy_item_size(header.descr);
  if (item_size == 0) {
    if (!header.descr.empty() && header.descr[0] == '>')
      fail(source, ": big-endian npy dtype '", header.descr, "' is not supported");
    fail(source, ": unsupported npy dtype '", header.descr, "'");
  }

  uint64_t expected = item_size;
  for (int64_t extent : header.shape)
    if (__builtin_mul_overflow(expected, static_cast<uint64_t>(extent), &expected) ||
        expected > static_cast<uint64_t>(INT64_MAX))
      fail(source, ": npy shape ", shape_to_string(header.shape), " is too large");
  const uint64_t present = size - prefix - header_size;
  if (present != expected)
    fail(source, ": npy data has ", present, " bytes but shape ", shape_to_string(header.shape), " of '",
         header.descr, "' needs ", expected, present < expected ? " (truncated file)" : " (trailing bytes)");

  NpyArray array;
  array.descr = std::move(header.descr);
  array.shape = std::move(header.shape);
  array.bytes.assign(data + prefix + header_size, data + size);
  return array;
}

NpyArray read_npy(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_npy(bytes.data(), bytes.size(), path);
}

std::string npy_bytes(const Tensor& tensor) {
  check_shape_matches(tensor.shape, tensor.numel(), "float32");
  return npy_with_data("<f4", tensor.shape, tensor.ptr(), 4 * tensor.data.size());
}

std::string npy_bytes(const IntTensor& tensor) {
  check_shape_matches(tensor.shape, tensor.numel(), "int64");
  return npy_with_data("<i8", tensor.shape, tensor.data.data(), 8 * tensor.data.size());
}

std::string npy_bytes_u8(const Shape& shape, const uint8_t* data) {
  for (int64_t extent : shape)
    if (extent < 0) fail("npy output: negative extent in uint8 shape ", shape_to_string(shape));
  return npy_with_data("|u1", shape, data, static_cast<size_t>(shape_numel(shape)));
}

std::string npy_header_bytes(const std::string& descr, const Shape& shape) {
  const std::string dict = format_npy_header_dict(descr, shape);
  if (dict.size() > 0xffff) fail("npy output: shape ", shape_to_string(shape), " has too many dimensions");
  std::string bytes(kMagic, kMagicSize);
  bytes += '\x01';  // version 1.0: enough for any header we write (< 64 KiB)
  bytes += '\x00';
  bytes += static_cast<char>(dict.size() & 0xff);
  bytes += static_cast<char>(dict.size() >> 8);
  bytes += dict;
  return bytes;
}

namespace {

// UTF-8 -> code points; a malformed byte becomes U+FFFD so that any FASTA header yields a name.
std::u32string decode_utf8(const std::string& text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const int extra = byte < 0x80 ? 0 : (byte >> 5) == 6 ? 1 : (byte >> 4) == 14 ? 2 : (byte >> 3) == 30 ? 3 : -1;
    char32_t code = extra == 0 ? byte : extra == 1 ? byte & 0x1F : extra == 2 ? byte & 0x0F : byte & 0x07;
    bool ok = extra >= 0 && i + static_cast<size_t>(extra) < text.size() + (extra == 0 ? 1 : 0);
    for (int k = 1; ok && k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      ok = (next >> 6) == 2;
      code = (code << 6) | (next & 0x3F);
    }
    if (!ok || code > 0x10FFFF) {
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    out.push_back(code);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

}  // namespace

std::string npy_bytes_strings(const std::vector<std::string>& texts) {
  std::vector<std::u32string> decoded;
  size_t width = 1;
  for (const std::string& text : texts) {
    decoded.push_back(decode_utf8(text));
    width = std::max(width, decoded.back().size());
  }
  if (width > 65536) fail("npy output: a string of ", width, " characters is longer than 65536");
  std::string data(texts.size() * width * 4, '\0');
  for (size_t i = 0; i < decoded.size(); ++i)
    for (size_t c = 0; c < decoded[i].size(); ++c)
      for (int b = 0; b < 4; ++b) data[(i * width + c) * 4 + b] = static_cast<char>((decoded[i][c] >> (8 * b)) & 0xFF);
  return npy_with_data("<U" + std::to_string(width), {static_cast<int64_t>(texts.size())}, data.data(), data.size());
}

}  // namespace splicebert
