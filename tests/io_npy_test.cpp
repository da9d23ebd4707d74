// .npy: the exact numpy 1.0 layout we write, reading every supported dtype and header version, conversions, and one
// test per kind of malformed input, each checking that the error names the source and the problem.
#include <cmath>
#include <cstring>
#include <fstream>

#include "expect_error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using test::expect_error;

const std::string kSource = "array.npy";

NpyArray parse(const std::string& bytes) {
  return parse_npy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), kSource);
}

// An npy file of the given version around a header dict (no padding needed for reading) and raw data.
std::string npy_file(const std::string& dict, const std::string& data, int major = 1) {
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(major);
  bytes += '\0';
  const uint32_t length = static_cast<uint32_t>(dict.size());
  bytes.append(reinterpret_cast<const char*>(&length), major == 1 ? 2 : 4);
  return bytes + dict + data;
}

template <class T>
std::string raw(std::initializer_list<T> values) {
  std::string data;
  for (T v : values) data.append(reinterpret_cast<const char*>(&v), sizeof(T));
  return data;
}

TEST(Npy, WritesNumpy1Layout) {
  const std::string bytes = npy_bytes(Tensor({2, 3}, {1, 2, 3, 4, 5, 6}));
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_length = static_cast<uint8_t>(bytes[8]) | static_cast<uint8_t>(bytes[9]) << 8;
  const size_t data_start = 10 + header_length;
  EXPECT_EQ(data_start % 64, 0u);
  EXPECT_EQ(bytes[data_start - 1], '\n');
  // numpy 1.24: the dict, 21 - len("2") spare spaces for growth, then padding to 64 with at least one space.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(bytes.substr(10, dict.size()), dict);
  EXPECT_EQ(header_length, 118u);  // 10 + 59 + 20 = 89, + 38 spaces + '\n' = 128
  EXPECT_EQ(bytes.size(), data_start + 24);
  EXPECT_EQ(bytes.substr(data_start), raw<float>({1, 2, 3, 4, 5, 6}));
}

TEST(Npy, WritesPythonTuplesForEveryRank) {
  EXPECT_NE(npy_bytes(IntTensor{{5}, {1, 2, 3, 4, 5}}).find("'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"),
            std::string::npos);
  const std::string scalar = npy_bytes(Tensor(Shape{}, {1}));
  EXPECT_NE(scalar.find("'shape': (), }"), std::string::npos);
  EXPECT_EQ(scalar.size(), 128u + 4u);
  const uint8_t text[] = {'h', 'i'};
  const std::string u8 = npy_bytes_u8({2}, text);
  EXPECT_NE(u8.find("'descr': '|u1'"), std::string::npos);
  EXPECT_EQ(u8.substr(u8.size() - 2), "hi");
}

TEST(Npy, RoundTripsFloatIntAndBytes) {
  const Tensor floats({3, 1}, {0.5f, -1.25f, 1e30f});
  NpyArray a = parse(npy_bytes(floats));
  EXPECT_EQ(a.descr, "<f4");
  EXPECT_EQ(a.shape, (Shape{3, 1}));
  EXPECT_EQ(a.to_float().data, floats.data);

  const IntTensor ints{{2, 2}, {-1, 0, INT64_MAX, INT64_MIN}};
  NpyArray b = parse(npy_bytes(ints));
  EXPECT_EQ(b.descr, "<i8");
  EXPECT_EQ(b.to_int64().data, ints.data);
  EXPECT_EQ(b.to_int64().shape, ints.shape);

  const uint8_t bytes[] = {0, 200, 255};
  EXPECT_EQ(parse(npy_bytes_u8({3}, bytes)).to_int64().data, (std::vector<int64_t>{0, 200, 255}));
  test::TempDir dir;
  std::ofstream(dir / "a.npy", std::ios::binary) << npy_bytes(floats);
  EXPECT_EQ(read_npy(dir / "a.npy").to_float().data, floats.data);
}

TEST(Npy, ReadsVersions2And3AndDoubleQuotes) {
  const std::string v2 =
      npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}\n", raw<int32_t>({7, -8}), 2);
  EXPECT_EQ(parse(v2).to_int64().data, (std::vector<int64_t>{7, -8}));
  const std::string v3 =
      npy_file("{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"<f8\"}", raw<double>({2.5}), 3);
  EXPECT_EQ(parse(v3).to_float().data, std::vector<float>{2.5f});
}

TEST(Npy, ConvertsEveryDtype) {
  auto floats = [](const std::string& descr, const std::string& data, size_t n) {
    return parse(npy_file("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(n) + ",), }",
                          data))
        .to_float()
        .data;
  };
  EXPECT_EQ(floats("<f8", raw<double>({0.1, -3.0}), 2), (std::vector<float>{0.1f, -3.0f}));  // rounded to nearest
  EXPECT_EQ(floats("<f2", raw<uint16_t>({0x3C00, 0x0001}), 2), (std::vector<float>{1.0f, std::ldexp(1.0f, -24)}));
  EXPECT_EQ(floats("<i2", raw<int16_t>({-300}), 1), std::vector<float>{-300});
  EXPECT_EQ(floats("|i1", raw<int8_t>({-5}), 1), std::vector<float>{-5});
  EXPECT_EQ(floats("<u2", raw<uint16_t>({65535}), 1), std::vector<float>{65535});
  EXPECT_EQ(floats("<u4", raw<uint32_t>({4000000000u}), 1), std::vector<float>{4e9f});
  EXPECT_EQ(floats("<u8", raw<uint64_t>({1ull << 40}), 1), std::vector<float>{std::ldexp(1.0f, 40)});
  EXPECT_EQ(floats("|b1", raw<uint8_t>({0, 1, 2}), 3), (std::vector<float>{0, 1, 1}));

  auto ints = [](const std::string& descr, const std::string& data) {
    return parse(npy_file("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", data)).to_int64();
  };
  EXPECT_EQ(ints("|i1", raw<int8_t>({-128})).data, std::vector<int64_t>{-128});
  EXPECT_EQ(ints("<u4", raw<uint32_t>({4000000000u})).data, std::vector<int64_t>{4000000000});
  EXPECT_EQ(ints("|b1", raw<uint8_t>({7})).data, std::vector<int64_t>{1});
  expect_error([&] { ints("<f4", raw<float>({1})); }, {"'<f4'", "not an integer"});
  expect_error([&] { ints("<u8", raw<uint64_t>({~0ull})); }, {"int64"});
}

// ---- malformed input ---------------------------------------------------------------------------------------------

TEST(NpyErrors, FortranOrder) {
  const std::string file = npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", raw<float>({1, 2}));
  expect_error([&] { parse(file); }, {kSource, "Fortran"});
}

TEST(NpyErrors, TruncatedOrOversizedData) {
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  expect_error([&] { parse(npy_file(dict, raw<float>({1, 2, 3}))); }, {kSource, "12 bytes", "needs 16", "truncated"});
  expect_error([&] { parse(npy_file(dict, raw<float>({1, 2, 3, 4, 5}))); }, {kSource, "trailing"});
  std::string whole = npy_bytes(Tensor({4}, {1, 2, 3, 4}));
  expect_error([&] { parse(whole.substr(0, 40)); }, {kSource, "header length", "exceeds the file size"});
  expect_error([&] { parse(whole.substr(0, 7)); }, {kSource, "not an npy file"});
}

TEST(NpyErrors, BadMagicVersionAndDtype) {
  expect_error([] { parse("PK\x03\x04 not numpy at all"); }, {kSource, "not an npy file"});
  std::string v9 = npy_bytes(Tensor({1}, {1}));
  v9[6] = 9;
  expect_error([&] { parse(v9); }, {kSource, "version 9.0"});
  expect_error([] { parse(npy_file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", std::string(8, 0))); },
               {kSource, "unsupported npy dtype '<c8'"});
  expect_error([] { parse(npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", std::string(4, 0))); },
               {kSource, "big-endian"});
  expect_error([] { parse(npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "")); },
               {kSource, "structured"});
}

TEST(NpyErrors, MalformedHeaderDict) {
  auto header_error = [](const std::string& dict, const std::string& keyword) {
    expect_error([&] { parse(npy_file(dict, "")); }, {kSource, keyword});
  };
  header_error("{'descr': '<f4', 'fortran_order': False}", "no 'shape'");
  header_error("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (0,)}", "True or False");
  header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative");
  header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "too large");
  header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'extra': 1}", "unexpected key");
  header_error("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (0,)}", "duplicate key");
  header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)} junk", "after the closing");
  header_error("{'descr: '<f4'", "malformed npy header");
  header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", "too large");
}

TEST(NpyErrors, ReadingNamesThePathOnDisk) {
  test::TempDir dir;
  const std::string path = dir / "cut.npy";
  const std::string whole = npy_bytes(Tensor({4}, {1, 2, 3, 4}));
  std::ofstream(path, std::ios::binary) << whole.substr(0, whole.size() - 1);
  expect_error([&] { read_npy(path); }, {path, "truncated"});
}

}  // namespace
}  // namespace splicebert
