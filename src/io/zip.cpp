// Reading zip archives as torch.save and numpy.savez write them: stored and deflate members, ZIP64 records and
// extra fields.
//
// The reader trusts nothing in the file: the central directory is the only index (torch sets "sizes follow the
// data" in its local headers, so those sizes are zero), every offset and size is checked against the buffer before
// it is used, each local header must name the same member as its central entry, and every member's CRC-32 is
// verified. Members are inflated lazily (ZipArchive::read) against a caller's cap.
//
// Fuzzing builds (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, set by fuzz/CMakeLists.txt) skip the CRC-32 check so
// that mutated members reach the parsers behind the zip (unpickler, npy) instead of stopping at the checksum.
#include <zlib.h>

#include <algorithm>
#include <set>

#include "io/little_endian.hpp"
#include "io/zip_format.hpp"
#include "io/zip_reader.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

using namespace zip_format;

// Deflate cannot expand data by more than about 1032:1; a member claiming more is lying (or a zip bomb).
constexpr uint64_t kMaxInflateRatio = 1032;

struct Directory {
  uint64_t offset = 0, size = 0, entries = 0;
  uint64_t end = 0;  // where the directory must stop: the first end-of-directory record
};

using CentralEntry = ZipEntry;

// The archive bytes; hands out a range only after checking that it lies inside the buffer.
class Archive {
 public:
  Archive(const uint8_t* data, size_t size, const std::string& source) : data_(data), size_(size), source_(source) {}
  uint64_t size() const { return size_; }
  const std::string& source() const { return source_; }
  bool contains(uint64_t offset, uint64_t length) const { return offset <= size_ && length <= size_ - offset; }
  const uint8_t* at(uint64_t offset, uint64_t length, const std::string& what) const {
    if (!contains(offset, length))
      fail(source_, ": zip ", what, " at byte ", offset, " (", length, " bytes) lies outside the ", size_,
           "-byte file");
    return data_ + offset;
  }

 private:
  const uint8_t* data_;
  uint64_t size_;
  const std::string& source_;
};

// The end-of-central-directory record is the last thing in the file, followed only by a comment of at most
// 64 KiB, so the backwards search is bounded.
uint64_t find_end_record(const Archive& zip) {
  if (zip.size() < kEndSize) fail(zip.source(), ": not a zip archive (", zip.size(), " bytes is too short)");
  const uint64_t last = zip.size() - kEndSize;
  const uint64_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  for (uint64_t pos = last + 1; pos-- > first;) {
    const uint8_t* record = zip.at(pos, kEndSize, "end record");
    if (le::load32(record) != kEndSignature) continue;
    if (pos + kEndSize + le::load16(record + 20) <= zip.size()) return pos;
  }
  fail(zip.source(), ": not a zip archive (no end-of-central-directory record)");
}

Directory read_zip64_directory(const Archive& zip, uint64_t locator_pos) {
  const uint8_t* locator = zip.at(locator_pos, kZip64LocatorSize, "ZIP64 locator");
  if (le::load32(locator + 4) != 0 || le::load32(locator + 16) > 1)
    fail(zip.source(), ": multi-disk zip archives are not supported");
  const uint64_t record_pos = le::load64(locator + 8);
  if (record_pos > locator_pos || locator_pos - record_pos < kZip64EndSize)
    fail(zip.source(), ": the ZIP64 end record offset ", record_pos, " is invalid");
  const uint8_t* record = zip.at(record_pos, kZip64EndSize, "ZIP64 end record");
  if (le::load32(record) != kZip64EndSignature)
    fail(zip.source(), ": no ZIP64 end record at byte ", record_pos, " where the locator points");
  if (le::load32(record + 16) != 0 || le::load32(record + 20) != 0)
    fail(zip.source(), ": multi-disk zip archives are not supported");
  return {le::load64(record + 48), le::load64(record + 40), le::load64(record + 32), record_pos};
}

Directory read_directory_location(const Archive& zip) {
  const uint64_t end_pos = find_end_record(zip);
  const uint8_t* end = zip.at(end_pos, kEndSize, "end record");
  Directory dir;
  if (end_pos >= kZip64LocatorSize &&
      le::load32(zip.at(end_pos - kZip64LocatorSize, 4, "ZIP64 locator")) == kZip64LocatorSignature) {
    dir = read_zip64_directory(zip, end_pos - kZip64LocatorSize);
  } else {
    if (le::load16(end + 4) != 0 || le::load16(end + 6) != 0 || le::load16(end + 8) != le::load16(end + 10))
      fail(zip.source(), ": multi-disk zip archives are not supported");
    dir = {le::load32(end + 16), le::load32(end + 12), le::load16(end + 10), end_pos};
    if (dir.entries == 0xFFFF || dir.size == 0xFFFFFFFF || dir.offset == 0xFFFFFFFF)
      fail(zip.source(), ": the end record defers to a ZIP64 record that is missing");
  }
  if (dir.offset > dir.end || dir.size > dir.end - dir.offset)
    fail(zip.source(), ": the central directory (", dir.size, " bytes at byte ", dir.offset,
         ") does not end before the end record at byte ", dir.end);
  if (dir.entries > dir.size / kCentralHeaderSize)
    fail(zip.source(), ": the end record claims ", dir.entries, " members, more than a ", dir.size,
         "-byte central directory can hold");
  return dir;
}

// ZIP64 extra field: the 64-bit values replace, in this order, whichever 32-bit header fields are saturated.
void apply_zip64_extra(const Archive& zip, const uint8_t* extra, uint64_t extra_size, CentralEntry& entry) {
  const bool need_uncompressed = entry.uncompressed_size == 0xFFFFFFFF;
  const bool need_compressed = entry.compressed_size == 0xFFFFFFFF;
  const bool need_offset = entry.local_header_offset == 0xFFFFFFFF;
  if (!need_uncompressed && !need_compressed && !need_offset) return;
  for (uint64_t pos = 0; pos + 4 <= extra_size;) {
    const uint16_t id = le::load16(extra + pos), length = le::load16(extra + pos + 2);
    if (pos + 4 + length > extra_size) break;
    if (id == kZip64ExtraId) {
      const uint8_t* field = extra + pos + 4;
      uint64_t used = 0;
      auto take = [&](uint64_t& target) {
        if (used + 8 > length)
          fail(zip.source(), ": zip member '", entry.name, "': its ZIP64 extra field is too short");
        target = le::load64(field + used);
        used += 8;
      };
      if (need_uncompressed) take(entry.uncompressed_size);
      if (need_compressed) take(entry.compressed_size);
      if (need_offset) take(entry.local_header_offset);
      return;
    }
    pos += 4 + length;
  }
  fail(zip.source(), ": zip member '", entry.name, "' has 32-bit sizes saturated but no ZIP64 extra field");
}

std::vector<CentralEntry> read_central_directory(const Archive& zip, const Directory& dir) {
  std::vector<CentralEntry> entries;
  entries.reserve(dir.entries);
  const uint64_t stop = dir.offset + dir.size;
  uint64_t pos = dir.offset;
  for (uint64_t i = 0; i < dir.entries; ++i) {
    if (stop - pos < kCentralHeaderSize)
      fail(zip.source(), ": the central directory ends inside entry ", i, " of ", dir.entries);
    const uint8_t* header = zip.at(pos, kCentralHeaderSize, "central directory entry");
    if (le::load32(header) != kCentralHeaderSignature)
      fail(zip.source(), ": central directory entry ", i, " at byte ", pos, " has a bad signature");
    const uint64_t name_size = le::load16(header + 28), extra_size = le::load16(header + 30),
                   comment_size = le::load16(header + 32);
    if (stop - pos - kCentralHeaderSize < name_size + extra_size + comment_size)
      fail(zip.source(), ": central directory entry ", i, " runs past the end of the directory");
    const uint8_t* name = header + kCentralHeaderSize;
    CentralEntry entry;
    entry.name.assign(reinterpret_cast<const char*>(name), name_size);
    entry.flags = le::load16(header + 8);
    entry.method = le::load16(header + 10);
    entry.crc = le::load32(header + 16);
    entry.compressed_size = le::load32(header + 20);
    entry.uncompressed_size = le::load32(header + 24);
    entry.local_header_offset = le::load32(header + 42);
    apply_zip64_extra(zip, name + name_size, extra_size, entry);
    entries.push_back(std::move(entry));
    pos += kCentralHeaderSize + name_size + extra_size + comment_size;
  }
  return entries;
}

// RAII for a zlib inflate stream, so every error path releases it.
class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) throw Error("zlib: inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
};

std::string inflate_member(const Archive& zip, const CentralEntry& entry, const uint8_t* in) {
  if (entry.uncompressed_size > entry.compressed_size * kMaxInflateRatio + 1024)
    fail(zip.source(), ": zip member '", entry.name, "' claims to inflate ", entry.compressed_size, " bytes to ",
         entry.uncompressed_size, ", more than deflate can");
  std::string out(entry.uncompressed_size, '\0');
  Inflater inflater;
  z_stream& z = inflater.stream();
  constexpr uint64_t kChunk = uint64_t{1} << 30;  // zlib counts in 32-bit units
  uint64_t consumed = 0, produced = 0;
  for (;;) {
    const uint64_t in_chunk = std::min(kChunk, entry.compressed_size - consumed);
    const uint64_t out_chunk = std::min(kChunk, entry.uncompressed_size - produced);
    z.next_in = const_cast<Bytef*>(in + consumed);
    z.avail_in = static_cast<uInt>(in_chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(&z, Z_NO_FLUSH);
    consumed += in_chunk - z.avail_in;
    produced += out_chunk - z.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK)  // Z_BUF_ERROR here means no progress: the data is longer or shorter than declared
      fail(zip.source(), ": zip member '", entry.name, "': deflate data is corrupt or does not match its sizes (",
           z.msg ? z.msg : "no progress", ")");
  }
  if (produced != entry.uncompressed_size)
    fail(zip.source(), ": zip member '", entry.name, "' inflates to ", produced, " bytes, not the declared ",
         entry.uncompressed_size);
  return out;
}

std::string read_member(const Archive& zip, const CentralEntry& entry, uint64_t directory_offset, uint64_t max_size) {
  const std::string member = "zip member '" + entry.name + "'";
  if (entry.uncompressed_size > max_size)
    fail(zip.source(), ": ", member, " declares ", entry.uncompressed_size, " bytes, more than the ", max_size,
         " it may hold here");
  if (entry.flags & kFlagEncrypted) fail(zip.source(), ": ", member, " is encrypted");
  const uint8_t* local =
      zip.at(entry.local_header_offset, kLocalHeaderSize, "local header of member '" + entry.name + "'");
  if (le::load32(local) != kLocalHeaderSignature)
    fail(zip.source(), ": ", member, ": no local header at byte ", entry.local_header_offset,
         " where the central directory points");
  const uint64_t name_size = le::load16(local + 26), extra_size = le::load16(local + 28);
  const uint8_t* local_name =
      zip.at(entry.local_header_offset + kLocalHeaderSize, name_size, "local header of member '" + entry.name + "'");
  if (std::string_view(reinterpret_cast<const char*>(local_name), name_size) != entry.name)
    fail(zip.source(), ": ", member, ": the local header at byte ", entry.local_header_offset,
         " names a different member");
  const uint64_t data_offset = entry.local_header_offset + kLocalHeaderSize + name_size + extra_size;
  if (data_offset > directory_offset || entry.compressed_size > directory_offset - data_offset)
    fail(zip.source(), ": ", member, ": its ", entry.compressed_size, " bytes at byte ", data_offset,
         " overlap the central directory at byte ", directory_offset);
  const uint8_t* data = zip.at(data_offset, entry.compressed_size, "data of member '" + entry.name + "'");

  std::string result;
  if (entry.method == kMethodStored) {
    if (entry.compressed_size != entry.uncompressed_size)
      fail(zip.source(), ": ", member, " is stored but its sizes differ (", entry.compressed_size, " vs ",
           entry.uncompressed_size, ")");
    result.assign(reinterpret_cast<const char*>(data), entry.compressed_size);
  } else if (entry.method == kMethodDeflate) {
    result = inflate_member(zip, entry, data);
  } else {
    fail(zip.source(), ": ", member, " uses compression method ", entry.method, " (only stored and deflate)");
  }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  const uLong crc = crc32_z(0, reinterpret_cast<const Bytef*>(result.data()), result.size());
  if (crc != entry.crc) fail(zip.source(), ": ", member, " fails its CRC-32 check (the data is corrupt)");
#endif
  return result;
}

}  // namespace

ZipArchive::ZipArchive(const uint8_t* data, size_t size, std::string source)
    : data_(data), size_(size), source_(std::move(source)) {
  const Archive zip(data_, size_, source_);
  const Directory dir = read_directory_location(zip);
  directory_offset_ = dir.offset;
  entries_ = read_central_directory(zip, dir);
  std::set<std::string> seen;
  for (const ZipEntry& entry : entries_)
    if (!seen.insert(entry.name).second) fail(source_, ": zip member '", entry.name, "' appears twice");
}

std::string ZipArchive::read(const ZipEntry& entry, uint64_t max_size) const {
  const Archive zip(data_, size_, source_);
  return read_member(zip, entry, directory_offset_, max_size);
}

std::vector<ZipMember> parse_zip(const uint8_t* data, size_t size, const std::string& source) {
  const ZipArchive archive(data, size, source);
  std::vector<ZipMember> members;
  for (const ZipEntry& entry : archive.entries()) members.push_back({entry.name, archive.read(entry, UINT64_MAX)});
  return members;
}

}  // namespace splicebert
