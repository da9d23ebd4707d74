// Shard arithmetic and `splicebert merge` on hand-made shard outputs (docs/scale-out.md).
#include <gtest/gtest.h>

#include <fstream>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/shard.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

TEST(Shard, BlocksCoverEveryRecordOnceInOrderWithSizesDifferingByAtMostOne) {
  for (int64_t total : {0, 1, 2, 7, 100, 101}) {
    for (int64_t count : {1, 3, 4, 9}) {
      int64_t next = 0, smallest = INT64_MAX, largest = 0;
      for (int64_t i = 1; i <= count; ++i) {
        const Shard shard{i, count};
        EXPECT_EQ(shard.begin(total), next) << total << " " << i << "/" << count;
        next = shard.end(total);
        smallest = std::min(smallest, shard.end(total) - shard.begin(total));
        largest = std::max(largest, shard.end(total) - shard.begin(total));
      }
      EXPECT_EQ(next, total);
      EXPECT_LE(largest - smallest, 1);
    }
  }
}

TEST(Shard, ParsesIOfNAndRefusesTheRest) {
  const Shard s = Shard::parse("3/8");
  EXPECT_EQ(s.index, 3);
  EXPECT_EQ(s.count, 8);
  for (const char* bad : {"0/1", "2/1", "1/0", "1", "1/2x", "-1/2", "", "a/b"})
    EXPECT_THROW(Shard::parse(bad), Error) << bad;
}

TEST(ShardMerge, TsvKeepsTheFirstHeaderAndColumnRowOnly) {
  test::TempDir dir;
  std::ofstream(dir / "1.tsv") << "# tool: t\n# command: run --shard 1/2\nname\tscore0\na\t0.1\nb\t0.2\n";
  std::ofstream(dir / "2.tsv") << "# tool: t\n# command: run --shard 2/2\nname\tscore0\nc\t0.3\n";
  std::ofstream(dir / "3.tsv") << "# tool: t\n# command: run --shard 2/2\nname\tscore0\n";  // an empty shard
  merge_shard_outputs({dir / "1.tsv", dir / "2.tsv", dir / "3.tsv"}, dir / "m.tsv");
  EXPECT_EQ(read_file_text(dir / "m.tsv"), "# tool: t\n# command: run --shard 1/2\nname\tscore0\na\t0.1\nb\t0.2\nc\t0.3\n");
}

TEST(ShardMerge, BedGraphKeepsTheTrackLineOnce) {
  test::TempDir dir;
  std::ofstream(dir / "1.bedGraph") << "# command: x\ntrack type=bedGraph\nchr1\t0\t1\t0.5\n";
  std::ofstream(dir / "2.bedGraph") << "# command: y\ntrack type=bedGraph\nchr1\t5\t6\t0.25\n";
  merge_shard_outputs({dir / "1.bedGraph", dir / "2.bedGraph"}, dir / "m.bedGraph");
  EXPECT_EQ(read_file_text(dir / "m.bedGraph"), "# command: x\ntrack type=bedGraph\nchr1\t0\t1\t0.5\nchr1\t5\t6\t0.25\n");
}

TEST(ShardMerge, NpzStacksPooledRowsAndWidensNames) {
  test::TempDir dir;
  auto shard = [&](const std::string& path, const std::vector<std::string>& names, float base) {
    std::ofstream out(path, std::ios::binary);
    NpzStreamWriter npz(out);
    Tensor pooled({static_cast<int64_t>(names.size()), 2});
    for (size_t r = 0; r < names.size(); ++r) {
      npz.add(names[r] + "/last_hidden_state", Tensor({1, 2}, {base + r, base - r}));
      pooled.data[2 * r] = base + r;
      pooled.data[2 * r + 1] = base - r;
    }
    npz.add("pooled", pooled);
    npz.add_strings("names", names);
    npz.add_text("__provenance__", path);
    npz.finish();
  };
  shard(dir / "1.npz", {"a", "bb"}, 1);
  shard(dir / "2.npz", {}, 0);
  shard(dir / "3.npz", {"cccc"}, 5);
  shard(dir / "whole.npz", {"a", "bb", "cccc"}, 1);  // rows 1, 2 from shard 1; shard 3's row differs (base 5)
  merge_shard_outputs({dir / "1.npz", dir / "2.npz", dir / "3.npz"}, dir / "m.npz");
  const auto merged = read_npz(dir / "m.npz");
  ASSERT_TRUE(merged.count("pooled") && merged.count("names") && merged.count("cccc/last_hidden_state"));
  EXPECT_EQ(merged.at("pooled").shape, (Shape{3, 2}));
  const Tensor pooled = merged.at("pooled").to_float();
  EXPECT_EQ(pooled.data, (std::vector<float>{1, 1, 2, 0, 5, 5}));
  EXPECT_EQ(merged.at("names").descr, "<U4");
  EXPECT_EQ(merged.at("names").bytes, read_npz(dir / "whole.npz").at("names").bytes);
  // A record key in two shards is refused.
  EXPECT_THROW(merge_shard_outputs({dir / "1.npz", dir / "1.npz"}, dir / "x.npz"), Error);
}

}  // namespace
}  // namespace splicebert
