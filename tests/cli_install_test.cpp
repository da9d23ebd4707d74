// `cmake --install` as a packager runs it: into a temporary prefix, then the installed binary runs a verb without -m
// (it finds the shipped model under PREFIX/share), and the library example builds against the installed package with
// find_package(splicebert) and with pkg-config, and runs.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.hpp"

namespace splicebert {
namespace {

namespace fs = std::filesystem;
using test::run_shell;
using test::shell_quote;

struct Installed : ::testing::Test {
  static inline test::TempDir* dir = nullptr;
  static inline std::string prefix;
  static void SetUpTestSuite() {
    dir = new test::TempDir;
    prefix = *dir / "prefix";
    const std::string build = fs::path(SPLICEBERT_BIN).parent_path().string();
    auto r = run_shell("cmake --install " + shell_quote(build) + " --prefix " + shell_quote(prefix));
    ASSERT_EQ(r.status, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() { delete dir; }
};

TEST_F(Installed, TheBinaryFindsTheShippedModelWithoutM) {
  ASSERT_TRUE(fs::exists(prefix + "/share/splicebert/models/default/model.safetensors"));
  // The splice-site model too: score-vcf and score-pairs find it beside the default model for their deltas.
  ASSERT_TRUE(fs::exists(prefix + "/share/splicebert/models/splice-site/model.safetensors"));
  auto info = run_shell(shell_quote(prefix + "/bin/splicebert") + " info");
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("model\t" + prefix + "/share/splicebert/models/default"), std::string::npos) << info.out;
  auto fill = run_shell("cd / && env -u SPLICEBERT_MODEL " + shell_quote(prefix + "/bin/splicebert") +
                        " fill-mask -q -t 1 'ACGUACGUAC<mask>UACGUACGUACGUACGUACGUACGUACGUACGUACGUACGUACGUACGUACGUACGUACGU'");
  ASSERT_EQ(fill.status, 0) << fill.err;
  EXPECT_NE(fill.out.find("seq1\t1\t1\t"), std::string::npos) << fill.out;
}

TEST_F(Installed, HeadersLibraryLicenseAndPackageFiles) {
  for (const char* path : {"/include/splicebert/model.hpp", "/include/splicebert/pipelines.hpp", "/lib/libsplicebert.a",
                           "/lib/cmake/splicebert/splicebertConfig.cmake", "/lib/pkgconfig/splicebert.pc",
                           "/share/doc/splicebert/LICENSE"})
    EXPECT_TRUE(fs::exists(prefix + path)) << path;
}

TEST_F(Installed, AProgramBuildsWithFindPackageAndRuns) {
  const std::string example = test::source_dir() + "/examples/library", build = *dir / "example-build";
  auto r = run_shell("cmake -S " + shell_quote(example) + " -B " + shell_quote(build) + " -DCMAKE_PREFIX_PATH=" +
                     shell_quote(prefix) + " && cmake --build " + shell_quote(build) + " && " +
                     shell_quote(build + "/embed_example"));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(prefix + "/share/splicebert/models/default: pooled vector of "), std::string::npos) << r.out;
}

TEST_F(Installed, PkgConfigNamesTheInstalledLibrary) {
  auto r = run_shell("PKG_CONFIG_PATH=" + shell_quote(prefix + "/lib/pkgconfig") +
                     " pkg-config --cflags --libs splicebert");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("-lsplicebert"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/include"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace splicebert
