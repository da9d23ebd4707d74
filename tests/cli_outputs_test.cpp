// Outputs never destroy what they point at (docs/cli.md, "Outputs"), for every verb that writes a file: a symlink is
// written through, a FIFO and a device are written in place, `-o -` is standard output, a symlink planted at a
// temporary's name is never followed, SIGINT/SIGTERM leave no temporary, an unwritable output fails before any work,
// and a full disk is an error with its reason.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "variant_cli_helpers.hpp"

extern char** environ;

namespace splicebert {
namespace {

namespace fs = std::filesystem;
using test::run_cli;
using test::shell_quote;
using test::TempDir;

// A verb that writes one file: `command(OUT)` gives its arguments, `looks_right` checks what it wrote.
struct WritingVerb {
  std::string name;
  std::function<std::string(const std::string& output, const std::string& model)> command;
  std::string run(const std::string& output) const { return command(output, test::small_model()); }
  std::function<bool(const std::string& bytes)> looks_right;
};

std::string random_rna(size_t length, unsigned seed) {
  std::string text;
  for (size_t i = 0; i < length; ++i) text += "ACGU"[(seed = seed * 1103515245u + 12345u) >> 16 & 3];
  return text;
}

// Inputs shared by the verbs, written once per test binary.
struct Inputs {
  TempDir dir;
  std::string fasta = dir / "records.fa", pairs = dir / "pairs.tsv", vcf = dir / "in.vcf";
  Inputs() {
    std::ofstream(fasta) << ">r1\n" << random_rna(120, 1) << "\n>r2\n" << random_rna(90, 2) << "\n";
    const std::string ref = random_rna(300, 3);
    std::string alt = ref;
    alt[150] = alt[150] == 'A' ? 'C' : 'A';
    std::ofstream(pairs) << "id\tref\talt\tpos\texon_start\texon_end\np1\t" << ref << "\t" << alt << "\t150\t.\t.\n";
    const int64_t pos = 47700;
    std::ofstream(vcf) << test::vcf_header()
                       << test::vcf_line("chr16", pos, "v1", test::genome_bases(pos),
                                         std::string(1, test::other_base(test::genome_bases(pos)[0])));
  }
};
const Inputs& inputs() {
  static Inputs shared;
  return shared;
}

std::vector<WritingVerb> writing_verbs() {
  const Inputs& in = inputs();
  auto starts_with = [](std::string prefix) {
    return [prefix](const std::string& bytes) { return bytes.starts_with(prefix); };
  };
  return {
      {"extract",
       [](const std::string& out, const std::string&) {
         return "extract -q -f " + shell_quote(test::genome_fasta()) + " -a " + shell_quote(test::genome_gtf()) +
                " -o " + shell_quote(out);
       },
       starts_with(">")},
      {"score-pairs",
       [&in](const std::string& out, const std::string& model_path) {
         const std::string model = shell_quote(model_path);
         return "score-pairs -q -t 1 -m " + model + " -i " + shell_quote(in.pairs) + " -o " + shell_quote(out);
       },
       starts_with("# ")},
      {"score-vcf",
       [&in](const std::string& out, const std::string& model_path) {
         const std::string model = shell_quote(model_path);
         return "score-vcf -q -t 1 -m " + model + " -f " + shell_quote(test::genome_fasta()) + " -a " +
                shell_quote(test::genome_gtf()) + " -i " + shell_quote(in.vcf) + " -O v -o " + shell_quote(out);
       },
       starts_with("##fileformat=VCF")},
      {"ism",
       [&in](const std::string& out, const std::string& model_path) {
         const std::string model = shell_quote(model_path);
         return "ism -q -t 1 -m " + model + " -i " + shell_quote(in.fasta) + " -o " + shell_quote(out);
       },
       starts_with("PK")},
      {"ism --bedgraph",
       [&in](const std::string& out, const std::string& model_path) {
         const std::string model = shell_quote(model_path);
         return "ism -q -t 1 -m " + model + " -i " + shell_quote(in.fasta) + " -o " +
                shell_quote(in.dir / "ism-side.npz") + " --bedgraph " + shell_quote(out);
       },
       starts_with("# ")},
      {"embed",
       [&in](const std::string& out, const std::string& model_path) {
         const std::string model = shell_quote(model_path);
         return "embed -q -t 1 -m " + model + " -i " + shell_quote(in.fasta) + " -o " + shell_quote(out);
       },
       starts_with("PK")},
  };
}

// Output names keep the extension the verbs choose their format by (embed: .npz).
const char* kName = "out.npz";

// The tests never name a system device directly (/dev/null, /dev/full): a build with the old behaviour, run as
// root, would replace it for the whole machine. They use a private link to it, or a private device node (root).
std::string private_null_device(const TempDir& dir) {
  const std::string node = dir / "null-device";
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) return "";
  if (int fd = ::open(node.c_str(), O_WRONLY); fd >= 0) {
    ::close(fd);
    return node;
  }
  return "";  // a file system mounted nodev
}

void expect_no_temporaries(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << entry.path();
}

TEST(Outputs, ASymlinkIsWrittenThroughAndStaysASymlink) {
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    fs::create_directory(dir / "real");
    std::ofstream(dir / "real/target.npz") << "old contents";
    fs::create_symlink("real/target.npz", dir / kName);  // relative, as `ln -s` makes them
    auto r = run_cli(verb.run(dir / kName));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / kName));
    EXPECT_TRUE(verb.looks_right(read_file_text(dir / "real/target.npz")));
    expect_no_temporaries(dir.path);
    expect_no_temporaries(dir / "real");
  }
}

TEST(Outputs, AFifoIsWrittenInPlaceForItsReader) {
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    const std::string fifo = dir / kName;
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // The test holds a writer end of its own (O_RDWR never blocks), so the reader can open now and sees end of file
    // once that end is closed after the run, whether or not the verb ever opened the FIFO.
    const int keeper = ::open(fifo.c_str(), O_RDWR);
    const int reader_fd = ::open(fifo.c_str(), O_RDONLY);
    ASSERT_GE(keeper, 0);
    ASSERT_GE(reader_fd, 0);
    std::string received;
    std::thread reader([&] {
      char chunk[1 << 16];
      for (ssize_t got; (got = ::read(reader_fd, chunk, sizeof chunk)) > 0;) received.append(chunk, size_t(got));
    });
    auto r = run_cli(verb.run(fifo));
    ::close(keeper);
    reader.join();
    ::close(reader_fd);
    ASSERT_EQ(r.status, 0) << r.err;
    struct stat status;
    ASSERT_EQ(::lstat(fifo.c_str(), &status), 0);
    EXPECT_TRUE(S_ISFIFO(status.st_mode)) << "the FIFO was replaced";
    EXPECT_TRUE(verb.looks_right(received)) << received.substr(0, 40);
    expect_no_temporaries(dir.path);
  }
}

TEST(Outputs, ADeviceIsWrittenInPlace) {
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    fs::create_symlink("/dev/null", dir / kName);  // the name keeps embed's extension; the target is the device
    auto r = run_cli(verb.run(dir / kName));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    EXPECT_TRUE(fs::is_symlink(dir / kName));
    expect_no_temporaries(dir.path);
  }
  TempDir dir;
  const std::string device = private_null_device(dir);
  if (device.empty()) return;  // not root: the links above are the test
  for (const WritingVerb& verb : writing_verbs()) {
    if (verb.name == "embed") continue;  // chooses its format by the file name's extension
    SCOPED_TRACE(verb.name);
    auto r = run_cli(verb.run(device));  // the device named directly
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_character_file(device));
    expect_no_temporaries(dir.path);
  }
}

TEST(Outputs, DashAndDevStdoutAreStandardOutput) {
  for (const WritingVerb& verb : writing_verbs()) {
    if (verb.name == "embed") continue;  // chooses its format by the file name's extension
    SCOPED_TRACE(verb.name);
    // /proc/self/fd/1 stands for /dev/stdout and /dev/fd/1 (the same rule): a regression can never replace it.
    for (const std::string& name : {"-", "/proc/self/fd/1"}) {
      auto r = run_cli(verb.run(name));
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_TRUE(verb.looks_right(r.out)) << r.out.substr(0, 40);
    }
  }
}

TEST(Outputs, ATemporaryNameIsNeverFollowedThroughAPlantedSymlink) {
  // Before, score-vcf wrote OUT.tmp.PID with an ordinary open: a symlink planted at that name for the next PIDs
  // made it overwrite the link's target.
  auto last_pid = [] {
    long pid = -1;
    std::ifstream("/proc/sys/kernel/ns_last_pid") >> pid;
    return pid;
  };
  if (last_pid() < 0) GTEST_SKIP() << "cannot predict process ids here";
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    std::ofstream(dir / "victim") << "precious";
    const long next = last_pid() + 1;
    for (long pid = next; pid < next + 400; ++pid)
      fs::create_symlink(dir / "victim", dir / (std::string(kName) + ".tmp." + std::to_string(pid)));
    auto r = run_cli(verb.run(dir / kName));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_file_text(dir / "victim"), "precious");
    EXPECT_FALSE(fs::is_symlink(dir / kName));
    EXPECT_TRUE(verb.looks_right(read_file_text(dir / kName)));
  }
}

TEST(Outputs, AnUnwritableOutputFailsBeforeAnyWork) {
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    // The missing folder is named, and the error comes at once: before the model or the inputs are even read.
    auto r = run_cli(verb.command(dir / "no/such/folder/out.npz", dir / "no-model"));
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("splicebert "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(dir / "no/such/folder"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("no-model"), std::string::npos) << "the model was read first: " << r.err;
  }
}

TEST(Outputs, AFolderInTheWayIsNamed) {
  TempDir dir;
  fs::create_directory(dir / kName);
  auto r = run_cli(writing_verbs()[1].run(dir / kName));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
}

TEST(Outputs, AFullDiskIsAnErrorWithItsReason) {
  for (const WritingVerb& verb : writing_verbs()) {
    SCOPED_TRACE(verb.name);
    TempDir dir;
    fs::create_symlink("/dev/full", dir / kName);
    auto r = run_cli(verb.run(dir / kName));
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / kName));
  }
}

TEST(Outputs, VerbsPrintingToStandardOutputFailWhenItIsFull) {
  const std::string model = shell_quote(test::small_model());
  for (const std::string& args : {"tokenize -m " + model + " ACGUACGU", "info -m " + model,
                                  "fill-mask -q -t 1 -m " + model + " 'ACGU<mask>ACGU'"}) {
    SCOPED_TRACE(args);
    auto r = test::run_shell(shell_quote(test::binary()) + " " + args + " >/dev/full");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("standard output: cannot write: No space left on device"), std::string::npos) << r.err;
  }
}

// Starts `splicebert ARGS…` with default signal dispositions, stdout and stderr to files in `dir`.
pid_t spawn_cli(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv_text{test::binary()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& text : argv_text) argv.push_back(text.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return pid;
}

bool has_temporary(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) return true;
  return false;
}

TEST(Outputs, SigintAndSigtermRemoveTheTemporary) {
  TempDir inputs_dir;
  {  // enough pairs that the run is still scoring when the signal comes
    std::ofstream pairs(inputs_dir / "pairs.tsv");
    pairs << "id\tref\talt\tpos\texon_start\texon_end\n";
    const std::string ref = random_rna(400, 7);
    std::string alt = ref;
    alt[200] = alt[200] == 'A' ? 'G' : 'A';
    for (int i = 0; i < 50000; ++i) pairs << "p" << i << "\t" << ref << "\t" << alt << "\t200\t.\t.\n";
  }
  for (int signal_number : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal_number);
    TempDir dir;
    const pid_t pid = spawn_cli({"score-pairs", "-q", "-t", "1", "-m", test::small_model(), "-i",
                                 inputs_dir / "pairs.tsv", "-o", dir / "out.tsv"},
                                inputs_dir.path);
    ASSERT_GT(pid, 0);
    bool seen = false;
    for (int wait = 0; wait < 6000 && !seen; ++wait) {  // at most 60 s for the temporary to appear
      seen = has_temporary(dir.path);
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, signal_number);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(seen) << read_file_text(inputs_dir / "stderr");
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << "status " << status;
    EXPECT_FALSE(has_temporary(dir.path));
    EXPECT_FALSE(fs::exists(dir / "out.tsv"));
  }
}

}  // namespace
}  // namespace splicebert
