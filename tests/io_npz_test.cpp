// NpzWriter / parse_npz: round trips, and numpy (the system python's) reading what we write.
#include <gtest/gtest.h>

#include <filesystem>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

Tensor sample_floats() { return Tensor({2, 3}, {0.5f, -1.25f, 3.0f, 1e-7f, -0.0f, 65504.0f}); }
IntTensor sample_ints() { return IntTensor{{4}, {0, -1, 4096, int64_t{1} << 40}}; }
const std::string kText = "config: {\"a\": 1}\nünïcode ✓";

NpzWriter sample_writer() {
  NpzWriter writer;
  writer.add("floats", sample_floats());
  writer.add("ints", sample_ints());
  writer.add_text("text", kText);
  return writer;
}

TEST(Npz, RoundTrips) {
  const std::string bytes = sample_writer().bytes();
  const auto arrays = parse_npz(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "mem.npz");
  ASSERT_EQ(arrays.size(), 3u);
  const Tensor floats = arrays.at("floats").to_float();
  EXPECT_EQ(floats.shape, sample_floats().shape);
  EXPECT_EQ(floats.data, sample_floats().data);
  const IntTensor ints = arrays.at("ints").to_int64();
  EXPECT_EQ(ints.shape, sample_ints().shape);
  EXPECT_EQ(ints.data, sample_ints().data);
  const NpyArray& text = arrays.at("text");
  EXPECT_EQ(text.shape, Shape{static_cast<int64_t>(kText.size())});
  EXPECT_EQ(std::string(text.bytes.begin(), text.bytes.end()), kText);
}

TEST(Npz, WritesAtomicallyAndReadsBack) {
  test::TempDir dir;
  sample_writer().write(dir / "out.npz");
  const auto arrays = read_npz(dir / "out.npz");
  EXPECT_EQ(arrays.at("ints").to_int64().data, sample_ints().data);
  // nothing but the final file is left behind
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);
}

TEST(Npz, RejectsDuplicateAndEmptyKeys) {
  NpzWriter writer;
  writer.add("x", sample_floats());
  EXPECT_THROW(writer.add("x", sample_ints()), Error);
  EXPECT_THROW(writer.add_text("", "t"), Error);
  const std::string twice = zip_bytes({{"k.npy", npy_bytes(sample_floats())}, {"k", npy_bytes(sample_floats())}});
  EXPECT_THROW(parse_npz(reinterpret_cast<const uint8_t*>(twice.data()), twice.size(), "twice.npz"), Error);
}

TEST(Npz, ErrorsNameTheMember) {
  const std::string bytes = zip_bytes({{"bad.npy", "not an npy file"}});
  try {
    parse_npz(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "bad.npz");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.npz"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos) << e.what();
  }
}

TEST(Npz, NumpyReadsWhatWeWrite) {
  const std::string python = "/usr/bin/python3";
  if (test::run_shell(python + " -c 'import numpy'").status != 0) GTEST_SKIP() << "no python3 with numpy";
  test::TempDir dir;
  sample_writer().write(dir / "out.npz");
  const std::string script =
      "import numpy, sys\n"
      "z = numpy.load(sys.argv[1])\n"
      "print(sorted(z.files))\n"
      "f = z['floats']; print(f.dtype, f.shape, ' '.join(repr(float(v)) for v in f.ravel()))\n"
      "i = z['ints']; print(i.dtype, i.shape, ' '.join(str(int(v)) for v in i.ravel()))\n"
      "t = z['text']; print(t.dtype, t.shape, t.tobytes().decode('utf-8') == sys.argv[2])\n";
  const test::CommandResult result =
      test::run_shell(python + " -c " + test::shell_quote(script) + " " + test::shell_quote(dir / "out.npz") + " " +
                      test::shell_quote(kText));
  ASSERT_EQ(result.status, 0) << result.err;
  const std::string expected =
      "['floats', 'ints', 'text']\n"
      "float32 (2, 3) 0.5 -1.25 3.0 1.0000000116860974e-07 -0.0 65504.0\n"
      "int64 (4,) 0 -1 4096 1099511627776\n"
      "uint8 (" +
      std::to_string(kText.size()) + ",) True\n";
  EXPECT_EQ(result.out, expected);
}

}  // namespace
}  // namespace splicebert
