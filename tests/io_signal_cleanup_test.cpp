// Folders built under a temporary name are removed when the process gets SIGTERM / SIGINT while their guard lives
// (splicebert/signal_cleanup.hpp), and left alone once the guard is gone. Each case runs in a forked child that
// installs the CLI's handlers and signals itself; the parent checks how the child died and what is left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <optional>

#include "splicebert/io.hpp"
#include "splicebert/signal_cleanup.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

namespace fs = std::filesystem;

// A folder as a conversion or a checkpoint leaves it half-written: files, and files in nested subfolders.
void fill(const fs::path& folder) {
  fs::create_directories(folder / "sub" / "deeper");
  std::ofstream(folder / "config.json") << "{}";
  std::ofstream(folder / "model.safetensors") << std::string(10000, 'x');
  std::ofstream(folder / "sub" / "a.txt") << "a";
  std::ofstream(folder / "sub" / "deeper" / "b.txt") << "b";
}

// Runs `body` in a child with the signal handlers installed, then has it raise `signal_number`; returns the signal
// that ended the child (0 if it exited instead).
int run_child_and_signal(int signal_number, const std::function<void()>& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    remove_output_temporaries_on_signals();
    body();
    ::raise(signal_number);
    ::_exit(0);  // not reached: the handler dies of the signal
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

TEST(SignalCleanup, AGuardedFolderIsRemovedWithEverythingInItOnSigterm) {
  test::TempDir dir;
  const fs::path folder = dir / "model.tmp.123";
  const int died_of = run_child_and_signal(SIGTERM, [&] {
    static std::optional<FolderRemovedOnSignal> guard;  // alive when the signal arrives
    guard.emplace(folder.string());
    fill(folder);
  });
  EXPECT_EQ(died_of, SIGTERM);
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_TRUE(fs::exists(dir.path));  // only the guarded folder goes
}

TEST(SignalCleanup, SigintRemovesTheFolderAndAnOpenOutputTemporary) {
  test::TempDir dir;
  const fs::path folder = dir / ".checkpoint-2.tmp-77";
  const fs::path output = dir / "out.tsv";
  const int died_of = run_child_and_signal(SIGINT, [&] {
    static std::optional<FolderRemovedOnSignal> guard;
    guard.emplace(folder.string());
    fill(folder);
    static std::optional<AtomicOutput> file;
    file.emplace(output.string());
    file->stream() << "partial\n";
    file->stream().flush();
  });
  EXPECT_EQ(died_of, SIGINT);
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_FALSE(fs::exists(output));
  EXPECT_TRUE(fs::is_empty(dir.path)) << "a temporary was left in " << dir.path;
}

TEST(SignalCleanup, AFolderWhoseGuardIsGoneStays) {
  test::TempDir dir;
  const fs::path finished = dir / "model";
  const int died_of = run_child_and_signal(SIGTERM, [&] {
    { const FolderRemovedOnSignal guard(finished.string()); }  // renamed into place: no longer temporary
    fill(finished);
  });
  EXPECT_EQ(died_of, SIGTERM);
  EXPECT_TRUE(fs::exists(finished / "sub" / "deeper" / "b.txt"));
}

}  // namespace
}  // namespace splicebert
