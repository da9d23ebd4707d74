// Zip record signatures and fixed sizes (PKWARE APPNOTE), shared by the zip reader and writer.
#pragma once
#include <cstdint>

namespace splicebert::zip_format {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint64_t kLocalHeaderSize = 30, kCentralHeaderSize = 46, kEndSize = 22;
constexpr uint64_t kZip64EndSize = 56, kZip64LocatorSize = 20;
constexpr uint64_t kMaxCommentSize = 0xFFFF;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kMethodStored = 0, kMethodDeflate = 8;
constexpr uint16_t kFlagEncrypted = 0x0001;

}  // namespace splicebert::zip_format
