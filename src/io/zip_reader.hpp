// A zip archive indexed from its central directory; members are inflated only when asked for, each against a size
// cap chosen by the caller (what the member must hold), so a small archive cannot make the reader allocate more
// than the caller allows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace splicebert {

struct ZipEntry {
  std::string name;
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0, uncompressed_size = 0, local_header_offset = 0;
};

class ZipArchive {
 public:
  // Reads and checks the central directory; the bytes must outlive the archive.
  ZipArchive(const uint8_t* data, size_t size, std::string source);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // The member's bytes; refuses (before allocating) a member declaring more than `max_size` bytes.
  std::string read(const ZipEntry& entry, uint64_t max_size) const;
  const std::string& source() const { return source_; }

 private:
  const uint8_t* data_;
  uint64_t size_;
  std::string source_;
  uint64_t directory_offset_ = 0;
  std::vector<ZipEntry> entries_;
};

}  // namespace splicebert
