// embed gives bit-identical results whatever the batch composition (--max-tokens) and thread count (-t): records
// are batched by token budget and sorted by length, and no kernel's reduction order depends on either.
#include <gtest/gtest.h>

#include <random>

#include "test_util.hpp"

namespace splicebert {
namespace {

TEST(Determinism, BatchCompositionAndThreadsDoNotChangeResults) {
  test::TempDir dir;
  // A small model with 32-wide heads (the fused attention path) and 256 positions, so long records are windowed.
  ASSERT_EQ(test::run_cli("init -o " + dir / "model" +
                          " --layers 2 --hidden 64 --heads 2 --intermediate 128 --max-positions 258")
                .status,
            0);
  std::mt19937 rng(11);
  {
    std::ofstream fasta(dir / "in.fa");
    for (int r = 0; r < 10; ++r) {
      fasta << ">rec" << r << "\n";
      const int length = 40 + static_cast<int>(rng() % 700);
      for (int i = 0; i < length; ++i) fasta << "ACGTN"[rng() % 5];
      fasta << "\n";
    }
  }
  auto run = [&](const std::string& name, const std::string& args) {
    auto r = test::run_cli("embed -q -m " + dir / "model" + " -i " + dir / "in.fa" + " -o " + dir / name +
                           " --pool mean --logits " + args);
    EXPECT_EQ(r.status, 0) << r.err;
    return read_npz(dir / name);
  };
  auto reference = run("a.npz", "-t 1 --max-tokens 100000");
  for (const auto& [name, args] : {std::pair{"b.npz", "-t 2 --max-tokens 100000"},
                                   std::pair{"c.npz", "-t 1 --max-tokens 300"},
                                   std::pair{"d.npz", "-t 2 --max-tokens 1000"}}) {
    auto other = run(name, args);
    ASSERT_EQ(other.size(), reference.size());
    for (const auto& [key, array] : reference) {
      if (key == "__provenance__") continue;
      ASSERT_TRUE(other.count(key)) << key;
      EXPECT_EQ(other.at(key).bytes, array.bytes) << key << " differs with " << args;
    }
  }
}

}  // namespace
}  // namespace splicebert
