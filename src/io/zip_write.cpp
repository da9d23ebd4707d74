// Writing zip archives: stored members only, which is all an .npz needs. A fixed timestamp keeps the bytes
// reproducible; sizes that would need ZIP64 (4 GiB) are refused rather than written wrongly.
#include <zlib.h>

#include "io/little_endian.hpp"
#include "io/zip_format.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

using namespace zip_format;

constexpr uint16_t kVersionNeeded = 20;                     // 2.0: plain stored members
constexpr uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr uint64_t kMax32 = 0xFFFFFFFE;                     // 0xFFFFFFFF itself means "see ZIP64"
constexpr uint64_t kMax16 = 0xFFFE;

void append_common_fields(std::string& out, uint32_t crc, uint64_t size, uint64_t name_size) {
  le::append16(out, kVersionNeeded);
  le::append16(out, 0);  // flags
  le::append16(out, kMethodStored);
  le::append16(out, 0);  // time 00:00
  le::append16(out, kDosDate1980);
  le::append32(out, crc);
  le::append32(out, size);  // compressed
  le::append32(out, size);  // uncompressed
  le::append16(out, name_size);
  le::append16(out, 0);  // extra field length
}
}  // namespace

std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members) {
  if (members.size() > kMax16) fail("zip: ", members.size(), " members need ZIP64, which is not written");
  std::string out, central;
  for (const auto& [name, data] : members) {
    if (name.empty() || name.size() > kMax16) fail("zip: member name '", name, "' is empty or too long");
    if (data.size() > kMax32 || out.size() > kMax32)
      fail("zip: member '", name, "' would need ZIP64 (over 4 GiB), which is not written");
    const uint32_t crc = crc32_z(0, reinterpret_cast<const Bytef*>(data.data()), data.size());
    const uint64_t offset = out.size();

    le::append32(out, kLocalHeaderSignature);
    append_common_fields(out, crc, data.size(), name.size());
    out += name;
    out += data;

    le::append32(central, kCentralHeaderSignature);
    le::append16(central, kVersionNeeded);  // version made by
    append_common_fields(central, crc, data.size(), name.size());
    le::append16(central, 0);  // comment length
    le::append16(central, 0);  // disk number
    le::append16(central, 0);  // internal attributes
    le::append32(central, 0);  // external attributes
    le::append32(central, offset);
    central += name;
  }
  if (out.size() > kMax32 || central.size() > kMax32) fail("zip: the archive would need ZIP64 (over 4 GiB)");
  const uint64_t directory_offset = out.size();
  out += central;
  le::append32(out, kEndSignature);
  le::append16(out, 0);  // this disk
  le::append16(out, 0);  // disk with the directory
  le::append16(out, members.size());
  le::append16(out, members.size());
  le::append32(out, central.size());
  le::append32(out, directory_offset);
  le::append16(out, 0);  // comment length
  return out;
}

}  // namespace splicebert
