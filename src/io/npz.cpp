// .npz archives: a zip of .npy members, as numpy.savez writes them (stored, uncompressed) and numpy.load reads
// them. Keys are the member names without their ".npy" suffix.
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

constexpr std::string_view kNpySuffix = ".npy";

void check_new_key(const std::vector<std::pair<std::string, std::string>>& members, const std::string& key) {
  if (key.empty()) fail("npz: an array key must not be empty");
  const std::string name = key + std::string(kNpySuffix);
  for (const auto& member : members)
    if (member.first == name) fail("npz: the key '", key, "' was added twice");
}

}  // namespace

void NpzWriter::add(const std::string& key, const Tensor& tensor) {
  check_new_key(members_, key);
  members_.emplace_back(key + std::string(kNpySuffix), npy_bytes(tensor));
}

void NpzWriter::add(const std::string& key, const IntTensor& tensor) {
  check_new_key(members_, key);
  members_.emplace_back(key + std::string(kNpySuffix), npy_bytes(tensor));
}

void NpzWriter::add_text(const std::string& key, const std::string& text) {
  check_new_key(members_, key);
  const Shape shape{static_cast<int64_t>(text.size())};
  members_.emplace_back(key + std::string(kNpySuffix),
                        npy_bytes_u8(shape, reinterpret_cast<const uint8_t*>(text.data())));
}

std::string NpzWriter::bytes() const { return zip_bytes(members_); }

void NpzWriter::write(const std::string& path) const {
  const std::string archive = bytes();
  AtomicOutput out(path);
  out.stream().write(archive.data(), static_cast<std::streamsize>(archive.size()));
  if (!out.stream()) fail(path, ": write failed");
  out.commit();
}

std::map<std::string, NpyArray> parse_npz(const uint8_t* data, size_t size, const std::string& source) {
  std::map<std::string, NpyArray> arrays;
  for (const ZipMember& member : parse_zip(data, size, source)) {
    std::string key = member.name;
    if (key.size() > kNpySuffix.size() && key.ends_with(kNpySuffix)) key.resize(key.size() - kNpySuffix.size());
    const std::string where = source + ": member '" + member.name + "'";
    if (arrays.count(key)) fail(where, ": the key '", key, "' appears twice");
    arrays.emplace(key, parse_npy(reinterpret_cast<const uint8_t*>(member.data.data()), member.data.size(), where));
  }
  return arrays;
}

std::map<std::string, NpyArray> read_npz(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_npz(bytes.data(), bytes.size(), path);
}

}  // namespace splicebert
