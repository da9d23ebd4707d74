// NpzStreamWriter: stored members written one after another as they come, ZIP64 where the classic fields overflow.
//
// Layout per member: local header (sizes known: the member is formatted before it is written) with a ZIP64 extra
// field when the member is 4 GiB or more, then the .npy bytes. finish() writes the central directory (ZIP64 extra
// with the 64-bit size and offset where needed), then a ZIP64 end record and locator when the member count,
// the directory's size or its offset overflow the classic end record, then the classic end record.
#include <zlib.h>

#include "io/little_endian.hpp"
#include "io/npy_header.hpp"
#include "io/zip_format.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

using namespace zip_format;

constexpr uint16_t kVersionStored = 20, kVersionZip64 = 45;
constexpr uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: reproducible bytes
constexpr uint64_t kMax32 = 0xFFFFFFFF, kMax16 = 0xFFFF;

void append64(std::string& out, uint64_t value) {
  le::append32(out, value & 0xFFFFFFFF);
  le::append32(out, value >> 32);
}

}  // namespace

void NpzStreamWriter::add_npy(const std::string& key, const std::string& npy) {
  add_parts(key, npy, nullptr, 0);
}

// The member is `head` then `size` bytes at `data`: a tensor's floats are written from where they lie, never
// copied into a formatted .npy first (that copy doubled the peak for a long record).
void NpzStreamWriter::add_parts(const std::string& key, const std::string& head, const void* data, uint64_t size) {
  if (finished_) fail("npz: a member was added after finish()");
  const std::string name = key + ".npy";
  if (key.empty() || name.size() >= kMax16) fail("npz: the key '", key, "' is empty or too long");
  if (!names_.insert(name).second) fail("npz: the key '", key, "' was added twice");
  const uint64_t total = head.size() + size;
  uLong crc = crc32_z(0, reinterpret_cast<const Bytef*>(head.data()), head.size());
  if (size) crc = crc32_z(crc, static_cast<const Bytef*>(data), size);
  const bool zip64 = total >= kMax32;
  std::string header;
  le::append32(header, kLocalHeaderSignature);
  le::append16(header, zip64 ? kVersionZip64 : kVersionStored);
  le::append16(header, 0);  // flags
  le::append16(header, kMethodStored);
  le::append16(header, 0);  // time 00:00
  le::append16(header, kDosDate1980);
  le::append32(header, crc);
  le::append32(header, zip64 ? kMax32 : total);
  le::append32(header, zip64 ? kMax32 : total);
  le::append16(header, name.size());
  le::append16(header, zip64 ? 20 : 0);
  header += name;
  if (zip64) {
    le::append16(header, kZip64ExtraId);
    le::append16(header, 16);
    append64(header, total);
    append64(header, total);
  }
  entries_.push_back({name, static_cast<uint32_t>(crc), total, written_});
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  out_.write(head.data(), static_cast<std::streamsize>(head.size()));
  if (size) out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out_) fail("npz: writing member '", name, "' failed");
  written_ += header.size() + total;
}

void NpzStreamWriter::add(const std::string& key, const Tensor& tensor) {
  if (static_cast<size_t>(shape_numel(tensor.shape)) != tensor.data.size())
    fail("npz: array '", key, "' has shape ", shape_to_string(tensor.shape), " but ", tensor.data.size(), " values");
  add_parts(key, npy_header_bytes("<f4", tensor.shape), tensor.ptr(), 4 * tensor.data.size());
}

void NpzStreamWriter::add_strings(const std::string& key, const std::vector<std::string>& texts) {
  add_npy(key, npy_bytes_strings(texts));
}

void NpzStreamWriter::add_text(const std::string& key, const std::string& text) {
  add_npy(key, npy_bytes_u8({static_cast<int64_t>(text.size())}, reinterpret_cast<const uint8_t*>(text.data())));
}

void NpzStreamWriter::finish() {
  if (finished_) return;
  finished_ = true;
  const uint64_t directory_offset = written_;
  std::string central;
  for (const Entry& e : entries_) {
    const bool big_size = e.size >= kMax32, big_offset = e.offset >= kMax32;
    const uint16_t extra_size = (big_size ? 16 : 0) + (big_offset ? 8 : 0);
    le::append32(central, kCentralHeaderSignature);
    le::append16(central, extra_size ? kVersionZip64 : kVersionStored);  // made by
    le::append16(central, extra_size ? kVersionZip64 : kVersionStored);  // needed
    le::append16(central, 0);
    le::append16(central, kMethodStored);
    le::append16(central, 0);
    le::append16(central, kDosDate1980);
    le::append32(central, e.crc);
    le::append32(central, big_size ? kMax32 : e.size);
    le::append32(central, big_size ? kMax32 : e.size);
    le::append16(central, e.name.size());
    le::append16(central, extra_size ? extra_size + 4 : 0);
    le::append16(central, 0);  // comment
    le::append16(central, 0);  // disk
    le::append16(central, 0);  // internal attributes
    le::append32(central, 0);  // external attributes
    le::append32(central, big_offset ? kMax32 : e.offset);
    central += e.name;
    if (extra_size) {
      le::append16(central, kZip64ExtraId);
      le::append16(central, extra_size);
      if (big_size) {
        append64(central, e.size);
        append64(central, e.size);
      }
      if (big_offset) append64(central, e.offset);
    }
  }
  const uint64_t count = entries_.size(), directory_size = central.size();
  const bool zip64_end = count >= kMax16 || directory_size >= kMax32 || directory_offset >= kMax32;
  std::string end;
  if (zip64_end) {
    const uint64_t record_offset = directory_offset + directory_size;
    le::append32(end, kZip64EndSignature);
    append64(end, kZip64EndSize - 12);  // size of the rest of the record
    le::append16(end, kVersionZip64);
    le::append16(end, kVersionZip64);
    le::append32(end, 0);  // this disk
    le::append32(end, 0);  // disk with the directory
    append64(end, count);
    append64(end, count);
    append64(end, directory_size);
    append64(end, directory_offset);
    le::append32(end, kZip64LocatorSignature);
    le::append32(end, 0);
    append64(end, record_offset);
    le::append32(end, 1);  // total disks
  }
  le::append32(end, kEndSignature);
  le::append16(end, 0);
  le::append16(end, 0);
  le::append16(end, zip64_end ? kMax16 : count);
  le::append16(end, zip64_end ? kMax16 : count);
  le::append32(end, zip64_end ? kMax32 : directory_size);
  le::append32(end, zip64_end ? kMax32 : directory_offset);
  le::append16(end, 0);
  out_.write(central.data(), static_cast<std::streamsize>(central.size()));
  out_.write(end.data(), static_cast<std::streamsize>(end.size()));
  if (!out_) fail("npz: writing the central directory failed");
  written_ += central.size() + end.size();
}

std::string npz_member_key(const std::string& record_name, std::set<std::string>& taken) {
  std::string key = record_name;
  for (char& c : key)
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '_';
  for (char& c : key) {
    if (c != '.') break;
    c = '_';
  }
  if (key.empty()) key = "_";
  std::string unique = key;
  for (int n = 2; !taken.insert(unique).second; ++n) unique = key + "~" + std::to_string(n);
  return unique;
}

}  // namespace splicebert
