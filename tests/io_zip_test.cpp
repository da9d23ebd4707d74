// parse_zip / zip_bytes: round trips, deflate and ZIP64 archives as other writers make them, and damaged archives
// (every one must throw splicebert::Error, never crash or read out of bounds).
#include <gtest/gtest.h>

#include "io/little_endian.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

std::vector<ZipMember> parse(const std::string& bytes, const std::string& source = "test.zip") {
  return parse_zip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), source);
}

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

// Written by Python's zipfile with ZIP_DEFLATED: "dir/hello.txt" = "hello deflate, hello deflate, hello deflate!\n"
// x 4.
const std::string kDeflateZip = from_hex(
    "504b0304140000000800000021004f5cd2be1a000000b40000000d0000006469722f68656c6c6f2e747874cb48cdc9c9"
    "5748494dcb492c49d551c8c0c355e4c2274b47c500504b01021403140000000800000021004f5cd2be1a000000b40000"
    "000d00000000000000000000008001000000006469722f68656c6c6f2e747874504b050600000000010001003b000000"
    "450000000000");

TEST(Zip, RoundTripsStoredMembers) {
  std::string binary(300, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  const std::vector<std::pair<std::string, std::string>> members = {
      {"a.txt", "hello"}, {"dir/b.bin", binary}, {"empty", ""}};
  const std::vector<ZipMember> parsed = parse(zip_bytes(members));
  ASSERT_EQ(parsed.size(), members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    EXPECT_EQ(parsed[i].name, members[i].first);
    EXPECT_EQ(parsed[i].data, members[i].second);
  }
}

TEST(Zip, EmptyArchive) { EXPECT_TRUE(parse(zip_bytes({})).empty()); }

TEST(Zip, ZipBytesRejectsBadNames) {
  EXPECT_THROW(zip_bytes({{"", "x"}}), Error);
  EXPECT_THROW(zip_bytes({{std::string(70000, 'n'), "x"}}), Error);
}

TEST(Zip, InflatesDeflateMembers) {
  std::string expected;
  for (int i = 0; i < 4; ++i) expected += "hello deflate, hello deflate, hello deflate!\n";
  const std::vector<ZipMember> parsed = parse(kDeflateZip);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].name, "dir/hello.txt");
  EXPECT_EQ(parsed[0].data, expected);
}

// A stored member described only through ZIP64 fields: saturated 32-bit sizes and offset in the headers, the real
// values in ZIP64 extra fields, and a ZIP64 end record plus locator (as torch.save writes for large files).
std::string zip64_archive(const std::string& name, const std::string& data) {
  const std::string plain = zip_bytes({{name, data}});
  const uint32_t crc = le::load32(reinterpret_cast<const uint8_t*>(plain.data()) + 14);
  auto common = [&](std::string& out) {
    le::append16(out, 45);  // version needed: 4.5, ZIP64
    le::append16(out, 0);
    le::append16(out, 0);  // stored
    le::append16(out, 0);
    le::append16(out, 0x21);
    le::append32(out, crc);
    le::append32(out, 0xFFFFFFFF);
    le::append32(out, 0xFFFFFFFF);
    le::append16(out, name.size());
  };
  std::string out;
  le::append32(out, 0x04034b50);
  common(out);
  le::append16(out, 20);
  out += name;
  le::append16(out, 1), le::append16(out, 16), le::append(out, data.size(), 8), le::append(out, data.size(), 8);
  out += data;

  const uint64_t directory_offset = out.size();
  le::append32(out, 0x02014b50);
  le::append16(out, 45);
  common(out);
  le::append16(out, 28);  // extra
  le::append16(out, 0), le::append16(out, 0), le::append16(out, 0), le::append32(out, 0);
  le::append32(out, 0xFFFFFFFF);  // local header offset: see ZIP64 extra
  out += name;
  le::append16(out, 1), le::append16(out, 24);
  le::append(out, data.size(), 8), le::append(out, data.size(), 8), le::append(out, 0, 8);
  const uint64_t directory_size = out.size() - directory_offset;

  const uint64_t record_offset = out.size();
  le::append32(out, 0x06064b50);
  le::append(out, 44, 8);
  le::append16(out, 45), le::append16(out, 45), le::append32(out, 0), le::append32(out, 0);
  le::append(out, 1, 8), le::append(out, 1, 8), le::append(out, directory_size, 8);
  le::append(out, directory_offset, 8);
  le::append32(out, 0x07064b50), le::append32(out, 0), le::append(out, record_offset, 8), le::append32(out, 1);
  le::append32(out, 0x06054b50);
  le::append16(out, 0), le::append16(out, 0), le::append16(out, 0xFFFF), le::append16(out, 0xFFFF);
  le::append32(out, 0xFFFFFFFF), le::append32(out, 0xFFFFFFFF), le::append16(out, 0);
  return out;
}

TEST(Zip, ReadsZip64Records) {
  const std::vector<ZipMember> parsed = parse(zip64_archive("archive/data/0", "zip64 payload"));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].name, "archive/data/0");
  EXPECT_EQ(parsed[0].data, "zip64 payload");
}

TEST(Zip, ErrorsNameTheSourceAndMember) {
  std::string bytes = zip_bytes({{"member.npy", "payload"}});
  bytes[30 + 10 + 2] ^= 1;  // flip a data byte: the CRC check catches it
  try {
    parse(bytes, "broken.zip");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.zip"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("member.npy"), std::string::npos) << e.what();
  }
}

TEST(Zip, RejectsLyingOffsets) {
  const std::string good = zip_bytes({{"a", "first"}, {"b", "second"}});
  const size_t end = good.size() - 22;
  const size_t directory = le::load32(reinterpret_cast<const uint8_t*>(good.data()) + end + 16);
  auto patch32 = [](std::string bytes, size_t at, uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
    return bytes;
  };
  EXPECT_THROW(parse(patch32(good, end + 16, 0xFFFFFF00)), Error);  // directory offset
  EXPECT_THROW(parse(patch32(good, end + 16, static_cast<uint32_t>(directory + 1))), Error);
  EXPECT_THROW(parse(patch32(good, end + 12, 0x7FFFFFFF)), Error);        // directory size
  EXPECT_THROW(parse(patch32(good, directory + 42, 0x7FFFFFFF)), Error);  // local header offset
  EXPECT_THROW(parse(patch32(good, directory + 42, 1)), Error);
  EXPECT_THROW(parse(patch32(good, directory + 20, 0x7FFFFFF0)), Error);  // compressed size
  std::string many = good;
  many[end + 8] = many[end + 10] = static_cast<char>(0xFF);  // member count
  EXPECT_THROW(parse(many), Error);
  // the second member's local header pointing at the first member's: names disagree
  const size_t second_entry = directory + 46 + 1;
  EXPECT_THROW(parse(patch32(good, second_entry + 42, 0)), Error);
}

TEST(Zip, RejectsNonZipInput) {
  EXPECT_THROW(parse(""), Error);
  EXPECT_THROW(parse("PK"), Error);
  EXPECT_THROW(parse(std::string(1000, 'x')), Error);
}

// Every truncation and every single-byte corruption either parses or throws splicebert::Error.
TEST(Zip, SurvivesTruncationAndCorruption) {
  const std::vector<std::string> archives = {zip_bytes({{"a", "first"}, {"dir/b", std::string(100, 'b')}}), kDeflateZip,
                                             zip64_archive("z", "zip64")};
  for (const std::string& archive : archives) {
    for (size_t length = 0; length < archive.size(); ++length)
      EXPECT_THROW(parse(archive.substr(0, length)), Error) << "truncated to " << length;
    for (size_t at = 0; at < archive.size(); ++at) {
      for (uint8_t flip : {0x01, 0x80, 0xFF}) {
        std::string damaged = archive;
        damaged[at] = static_cast<char>(damaged[at] ^ flip);
        try {
          parse(damaged);
        } catch (const Error&) {
        }
      }
    }
  }
}

}  // namespace
}  // namespace splicebert
