// The CPU path: chosen from cpuid, forced by $SPLICEBERT_ISA, refused when unknown, and reported by `info` and
// `--version`.
#include <gtest/gtest.h>

#include "kernels/cpu_isa.hpp"
#include "test_util.hpp"

namespace splicebert::test {
namespace {

TEST(CpuPath, InfoAndVersionReportThePathInUse) {
  const std::string expected = kernels::cpu_has_avx512() ? "avx512" : "avx2";
  const auto info = run_shell("env -u SPLICEBERT_ISA " + shell_quote(binary()) + " info -m " +
                              shell_quote(source_dir() + "/models/default"));
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("cpu_path\t" + expected), std::string::npos) << info.out;
  const auto version = run_shell("env -u SPLICEBERT_ISA " + shell_quote(binary()) + " --version");
  EXPECT_NE(version.out.find("cpu path " + expected), std::string::npos) << version.out;
}

TEST(CpuPath, Avx2CanBeForcedAndAnUnknownPathIsRefused) {
  const auto forced = run_shell("SPLICEBERT_ISA=avx2 " + shell_quote(binary()) + " info -m " +
                                shell_quote(source_dir() + "/models/default"));
  ASSERT_EQ(forced.status, 0) << forced.err;
  EXPECT_NE(forced.out.find("cpu_path\tavx2"), std::string::npos) << forced.out;
  const auto unknown = run_shell("SPLICEBERT_ISA=sse9 " + shell_quote(binary()) + " info -m " +
                                 shell_quote(source_dir() + "/models/default"));
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.err.find("SPLICEBERT_ISA='sse9'"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace splicebert::test
