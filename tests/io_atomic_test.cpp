// AtomicOutput and the whole-file helpers: no partial output under the final name, ever; errors name the path.
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "expect_error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

namespace fs = std::filesystem;
using test::expect_error;

size_t entries_in(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicOutput, UncommittedLeavesNothing) {
  test::TempDir dir;
  {
    AtomicOutput out(dir / "result.bin");
    out.stream() << "partial";
  }
  EXPECT_FALSE(fs::exists(dir / "result.bin"));
  EXPECT_EQ(entries_in(dir.path), 0u);  // the temporary is gone too
}

TEST(AtomicOutput, CommitPublishesTheFile) {
  test::TempDir dir;
  {
    AtomicOutput out(dir / "result.txt", /*binary=*/false);
    EXPECT_EQ(out.path(), dir / "result.txt");
    out.stream() << "complete\n";
    out.commit();
  }
  EXPECT_EQ(read_file_text(dir / "result.txt"), "complete\n");
  EXPECT_EQ(entries_in(dir.path), 1u);
}

TEST(AtomicOutput, ThrowingBeforeCommitKeepsTheOldFile) {
  test::TempDir dir;
  std::ofstream(dir / "model.safetensors") << "old contents";
  EXPECT_THROW(
      {
        AtomicOutput out(dir / "model.safetensors");
        out.stream() << "new, half written";
        throw std::runtime_error("conversion failed");
      },
      std::runtime_error);
  EXPECT_EQ(read_file_text(dir / "model.safetensors"), "old contents");
  EXPECT_EQ(entries_in(dir.path), 1u);
}

TEST(AtomicOutput, CommitReplacesAnExistingFile) {
  test::TempDir dir;
  std::ofstream(dir / "f") << "old";
  AtomicOutput out(dir / "f");
  out.stream() << "new";
  out.commit();
  EXPECT_EQ(read_file_text(dir / "f"), "new");
}

TEST(AtomicOutput, UnwritableDirectoryNamesThePath) {
  test::TempDir dir;
  expect_error([&] { AtomicOutput out(dir / "no/such/dir/out.npy"); }, {dir / "no/such/dir/out.npy", "No such file"});
}

TEST(OutputTarget, EachKindOfPath) {
  test::TempDir dir;
  EXPECT_EQ(resolve_output_target("-").kind, OutputKind::StandardOutput);
  EXPECT_EQ(resolve_output_target("/dev/stdout").kind, OutputKind::StandardOutput);
  fs::create_symlink("/dev/null", dir / "null");
  EXPECT_EQ(resolve_output_target(dir / "null").kind, OutputKind::InPlace);
  fs::create_directory(dir / "real");
  fs::create_symlink("real/file.txt", dir / "link");
  fs::create_symlink("link", dir / "link2");  // a chain of relative links
  const OutputTarget through = resolve_output_target(dir / "link2");
  EXPECT_EQ(through.kind, OutputKind::Replace);
  EXPECT_EQ(fs::weakly_canonical(through.path), fs::weakly_canonical(dir / "real/file.txt"));
  expect_error([&] { resolve_output_target(dir.path); }, {dir.path, "is a folder"});
}

TEST(AtomicOutput, WritesThroughASymlinkAndKeepsPermissions) {
  test::TempDir dir;
  std::ofstream(dir / "target") << "old";
  fs::permissions(dir / "target", fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink("target", dir / "link");
  AtomicOutput out(dir / "link", false);
  out.stream() << "new";
  out.commit();
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_EQ(read_file_text(dir / "target"), "new");
  EXPECT_EQ(fs::status(dir / "target").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(entries_in(dir.path), 2u);
}

TEST(AtomicOutput, AFullDeviceIsAWriteErrorWithItsReason) {
  test::TempDir dir;
  fs::create_symlink("/dev/full", dir / "full");
  expect_error(
      [&] {
        AtomicOutput out(dir / "full");
        out.stream() << std::string(3 << 20, 'x');  // more than the buffer: written (and failing) before commit
        out.commit();
      },
      {dir / "full", "No space left on device"});
  EXPECT_TRUE(fs::is_symlink(dir / "full"));
}

TEST(FileUtil, ReadErrorsNameThePathAndReason) {
  test::TempDir dir;
  expect_error([&] { read_file_bytes(dir / "missing"); }, {dir / "missing", "No such file or directory"});
  expect_error([&] { read_file_text(dir.path); }, {dir.path, "directory"});
  expect_error([&] { sha256_file_hex(dir / "missing"); }, {dir / "missing", "No such file"});
}

TEST(FileUtil, ReadsBytesAndHashes) {
  test::TempDir dir;
  const std::string content("abc\0def", 7);
  std::ofstream(dir / "f", std::ios::binary) << content;
  const std::vector<uint8_t> bytes = read_file_bytes(dir / "f");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), content);
  EXPECT_EQ(sha256_hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_file_hex(dir / "f"), sha256_hex(content.data(), content.size()));
}

TEST(TensorUtil, ShapeToString) {
  EXPECT_EQ(shape_to_string({2, 3}), "[2, 3]");
  EXPECT_EQ(shape_to_string({7}), "[7]");
  EXPECT_EQ(shape_to_string({}), "[]");
}

}  // namespace
}  // namespace splicebert
