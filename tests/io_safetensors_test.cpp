// safetensors: exact output layout, F16/BF16 widening against hand-computed values, and one test per kind of
// malformed input, each checking that the error names the source and the problem.
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>

#include "expect_error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using test::expect_error;

const std::string kSource = "weights.safetensors";

// A file from a header text and raw data bytes, with the length prefix computed.
std::string file_with(const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  const uint64_t length = header.size();
  std::memcpy(bytes.data(), &length, 8);
  return bytes + header + data;
}

SafetensorsContents parse(const std::string& bytes) {
  return parse_safetensors(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), kSource);
}

std::string u16_data(std::initializer_list<uint16_t> values) {
  std::string data;
  for (uint16_t v : values) data.append(reinterpret_cast<const char*>(&v), 2);
  return data;
}

std::string f32_data(std::initializer_list<float> values) {
  std::string data;
  for (float v : values) data.append(reinterpret_cast<const char*>(&v), 4);
  return data;
}

TEST(Safetensors, WritesTheDocumentedLayout) {
  TensorMap tensors;
  tensors["b"] = Tensor({2}, {1.0f, 2.0f});
  tensors["a"] = Tensor({1, 1}, {-0.5f});
  const std::string bytes = safetensors_bytes(tensors, {{"format", "pt"}});
  const std::string json =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  std::string header = json + std::string((8 - json.size() % 8) % 8, ' ');
  EXPECT_EQ(bytes, file_with(header, f32_data({-0.5f, 1.0f, 2.0f})));
}

TEST(Safetensors, OmitsEmptyMetadataAndEscapesNames) {
  TensorMap tensors;
  tensors["q\"\xc3\xa9"] = Tensor({0});
  const std::string bytes = safetensors_bytes(tensors, {});
  EXPECT_NE(bytes.find(R"({"q\"\u00e9":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})"), std::string::npos);
  EXPECT_EQ(bytes.find("__metadata__"), std::string::npos);
  EXPECT_EQ((bytes.size() - 8) % 8, 0u);
  EXPECT_EQ(parse(bytes).tensors.count("q\"\xc3\xa9"), 1u);
}

TEST(Safetensors, RoundTripsThroughAFile) {
  test::TempDir dir;
  TensorMap tensors;
  tensors["w"] = Tensor({2, 3}, {1, 2, 3, 4, 5, 6});
  tensors["scalar"] = Tensor(Shape{}, {7});
  write_safetensors(dir / "m.safetensors", tensors, {{"format", "pt"}, {"note", "x"}});
  SafetensorsContents back = read_safetensors(dir / "m.safetensors");
  EXPECT_EQ(back.metadata, (std::map<std::string, std::string>{{"format", "pt"}, {"note", "x"}}));
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors["w"].shape, (Shape{2, 3}));
  EXPECT_EQ(back.tensors["w"].data, tensors["w"].data);
  EXPECT_EQ(back.tensors["scalar"].shape, Shape{});
  EXPECT_EQ(back.tensors["scalar"].data, std::vector<float>{7});
}

TEST(Safetensors, WidensF16IncludingSubnormalsInfinitiesAndNan) {
  const std::string header = R"({"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]}})";
  const auto t = parse(file_with(header, u16_data({0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555, 0x7C00,
                                                    0xFC00, 0x8000, 0x7E00})))
                     .tensors.at("h");
  EXPECT_EQ(t.data[0], 1.0f);
  EXPECT_EQ(t.data[1], -2.0f);
  EXPECT_EQ(t.data[2], 65504.0f);                    // largest half
  EXPECT_EQ(t.data[3], std::ldexp(1.0f, -24));       // smallest subnormal
  EXPECT_EQ(t.data[4], std::ldexp(1023.0f, -24));    // largest subnormal
  EXPECT_EQ(t.data[5], std::ldexp(1.0f, -14));       // smallest normal
  EXPECT_EQ(t.data[6], 0.333251953125f);             // 0x3555 = 1365/4096
  EXPECT_EQ(t.data[7], INFINITY);
  EXPECT_EQ(t.data[8], -INFINITY);
  EXPECT_EQ(t.data[9], 0.0f);
  EXPECT_TRUE(std::signbit(t.data[9]));
  EXPECT_TRUE(std::isnan(t.data[10]));
}

TEST(Safetensors, WidensBf16ByShifting) {
  const std::string header = R"({"b":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}})";
  const auto t = parse(file_with(header, u16_data({0x3F80, 0xC040, 0x4049, 0x7F80, 0x0001, 0x7FC1}))).tensors.at("b");
  EXPECT_EQ(t.shape, (Shape{2, 3}));
  EXPECT_EQ(t.data[0], 1.0f);
  EXPECT_EQ(t.data[1], -3.0f);
  EXPECT_EQ(t.data[2], 3.140625f);
  EXPECT_EQ(t.data[3], INFINITY);
  EXPECT_EQ(t.data[4], std::ldexp(1.0f, -133));  // bf16 subnormal
  EXPECT_TRUE(std::isnan(t.data[5]));
  EXPECT_EQ(std::bit_cast<uint32_t>(t.data[5]), 0x7FC10000u);  // payload kept
}

TEST(Safetensors, AcceptsHolesAndEmptyTensorsAnywhere) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                             R"("e":{"dtype":"F32","shape":[0,5],"data_offsets":[4,4]}})";
  const auto contents = parse(file_with(header, f32_data({9, 3})));
  EXPECT_EQ(contents.tensors.at("a").data, std::vector<float>{3});
  EXPECT_EQ(contents.tensors.at("e").shape, (Shape{0, 5}));
}

// ---- malformed input ---------------------------------------------------------------------------------------------

TEST(SafetensorsErrors, TruncatedFile) {
  expect_error([] { parse("abc"); }, {kSource, "too short"});
}

TEST(SafetensorsErrors, HeaderLengthBeyondTheFile) {
  std::string bytes = file_with(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", f32_data({1}));
  bytes.resize(bytes.size() - 30);
  expect_error([&] { parse(bytes); }, {kSource, "header length", "exceeds the file size"});
  std::string absurd(16, '\xff');
  expect_error([&] { parse(absurd); }, {kSource, "header length"});
}

TEST(SafetensorsErrors, CorruptJson) {
  expect_error([] { parse(file_with(R"({"a":{"dtype":"F32",)", "")); }, {kSource, "not valid JSON"});
  expect_error([] { parse(file_with(R"([1,2])", "")); }, {kSource, "JSON object"});
  expect_error([] { parse(file_with(R"({"a":[1]})", "")); }, {kSource, "'a'", "JSON object"});
}

TEST(SafetensorsErrors, UnknownOrUnsupportedDtype) {
  expect_error([] { parse(file_with(R"({"t":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}})", f32_data({1}))); },
               {kSource, "'t'", "unknown dtype 'Q7'"});
  expect_error(
      [] { parse(file_with(R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0'))); },
      {kSource, "'ids'", "unsupported dtype 'I64'"});
}

TEST(SafetensorsErrors, ShapeTimesDtypeDiffersFromTheSpan) {
  const std::string square = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})";
  expect_error([&] { parse(file_with(square, f32_data({1, 2, 3}))); }, {kSource, "'w'", "needs 4 x 4 bytes"});
  expect_error([] { parse(file_with(R"({"w":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}})", f32_data({1}))); },
               {kSource, "'w'", "data_offsets"});
}

TEST(SafetensorsErrors, SpanOutsideTheData) {
  expect_error([] { parse(file_with(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", f32_data({1, 2}))); },
               {kSource, "'w'", "outside the data section"});
}

TEST(SafetensorsErrors, OverlappingSpans) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  expect_error([&] { parse(file_with(header, f32_data({1, 2, 3}))); }, {kSource, "'a'", "'b'", "overlap"});
}

TEST(SafetensorsErrors, MalformedEntries) {
  const std::string data = f32_data({1});
  expect_error([&] { parse(file_with(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", data)); },
               {kSource, "'w'", "non-negative integers"});
  expect_error([&] { parse(file_with(R"({"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}})", data)); },
               {kSource, "'w'", "non-negative integers"});
  expect_error([&] { parse(file_with(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", data)); },
               {kSource, "'w'", "begin after end"});
  expect_error([&] { parse(file_with(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", data)); },
               {kSource, "'w'", "data_offsets"});
  expect_error([&] { parse(file_with(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", data)); },
               {kSource, "'w'", "missing \"shape\""});
  expect_error([&] {
    parse(file_with(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}})", data));
  }, {kSource, "'w'", "too many elements"});
}

TEST(SafetensorsErrors, DuplicateNamesAndBadMetadata) {
  const std::string data = f32_data({1});
  const std::string entry = R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
  expect_error([&] { parse(file_with("{" + entry + "," + entry + "}", data)); }, {kSource, "'w'", "more than once"});
  expect_error([&] { parse(file_with(R"({"__metadata__":{"format":1}})", "")); }, {kSource, "__metadata__", "string"});
  expect_error([&] { parse(file_with(R"({"__metadata__":[]})", "")); }, {kSource, "__metadata__", "object"});
}

TEST(SafetensorsErrors, ReadingNamesThePathOnDisk) {
  test::TempDir dir;
  const std::string path = dir / "cut.safetensors";
  std::ofstream(path, std::ios::binary) << "\x10\x00\x00";
  expect_error([&] { read_safetensors(path); }, {path, "too short"});
  expect_error([&] { read_safetensors(dir / "missing.safetensors"); }, {dir / "missing.safetensors", "No such file"});
}

TEST(SafetensorsErrors, WriterRefusesInconsistentTensors) {
  TensorMap tensors;
  tensors["w"] = Tensor({2, 2}, {1, 2, 3});
  expect_error([&] { safetensors_bytes(tensors, {}); }, {"'w'", "does not match"});
  TensorMap reserved;
  reserved["__metadata__"] = Tensor({1}, {1});
  expect_error([&] { safetensors_bytes(reserved, {}); }, {"reserved"});
}

}  // namespace
}  // namespace splicebert
