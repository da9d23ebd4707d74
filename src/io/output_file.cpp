// Output files that never destroy what they point at (docs/cli.md, "Outputs"): devices and FIFOs are written in place,
// symlinks are written through, regular files are replaced atomically by a temporary created exclusively beside
// the final target, flushed to disk before the rename, and removed on error or on SIGINT/SIGTERM/SIGHUP.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/signal_cleanup.hpp"

namespace splicebert {

namespace {

std::string reason(int error) { return std::strerror(error); }

std::string parent_folder(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool is_standard_output_name(const std::string& path) {
  return path == "-" || path == "/dev/stdout" || path == "/dev/fd/1" || path == "/proc/self/fd/1";
}

// ---- temporaries to delete on a signal --------------------------------------------------------------------------
// A fixed table of strdup'ed names that a signal handler can walk without locks or allocation (unlink is
// async-signal-safe). A slot is cleared before its name is freed, so the handler never sees a freed name.
constexpr int kTemporarySlots = 256;
std::atomic<char*> temporary_slots[kTemporarySlots];

int register_temporary(const std::string& path) {
  char* copy = ::strdup(path.c_str());
  for (int i = 0; i < kTemporarySlots; ++i) {
    char* expected = nullptr;
    if (temporary_slots[i].compare_exchange_strong(expected, copy)) return i;
  }
  std::free(copy);
  return -1;  // more than 256 open at once: still removed on errors, only not on signals
}

void unregister_temporary(int slot) {
  if (slot < 0) return;
  std::free(temporary_slots[slot].exchange(nullptr));
}

// Temporary folders, the same way (FolderRemovedOnSignal).
std::atomic<char*> folder_slots[kTemporarySlots];

// Deletes what `folder_fd` holds and closes it, with async-signal-safe calls only (getdents64 through syscall,
// unlinkat, openat, close): no allocation, no locks. Subfolders are followed `depth` levels down.
void remove_contents_signal_safe(int folder_fd, int depth) {
  alignas(8) char buffer[4096];
  for (;;) {
    const long bytes = ::syscall(SYS_getdents64, folder_fd, buffer, sizeof buffer);
    if (bytes <= 0) break;
    for (long offset = 0; offset < bytes;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (entry->d_type == DT_DIR) {
        if (depth > 0) {
          const int child = ::openat(folder_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (child >= 0) remove_contents_signal_safe(child, depth - 1);
        }
        ::unlinkat(folder_fd, name, AT_REMOVEDIR);
      } else {
        ::unlinkat(folder_fd, name, 0);
      }
    }
  }
  ::close(folder_fd);
}

extern "C" void remove_temporaries_and_die(int signal_number) {
  for (auto& slot : temporary_slots)
    if (char* name = slot.load()) ::unlink(name);
  for (auto& slot : folder_slots)
    if (char* name = slot.load()) {
      const int fd = ::open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) remove_contents_signal_safe(fd, 3);
      ::rmdir(name);
    }
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

std::string random_hex_suffix() {
  std::random_device entropy;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", entropy(), entropy());
  return text;
}

// Follows a chain of symlinks to the path they finally name (which need not exist yet: a dangling link's target is
// created). Relative link targets are relative to the link's folder.
std::string follow_symlinks(std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat status;
    if (::lstat(path.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return path;
    std::string target(4096, '\0');
    const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
    if (length < 0) fail(path, ": cannot read the symbolic link: ", reason(errno));
    target.resize(static_cast<size_t>(length));
    path = target.front() == '/' ? target : parent_folder(path) + "/" + target;
  }
  fail(path, ": too many levels of symbolic links");
}

}  // namespace

OutputTarget resolve_output_target(const std::string& path) {
  if (path.empty()) fail("output path is empty");
  if (is_standard_output_name(path)) return {OutputKind::StandardOutput, "-"};
  struct stat status;
  if (::stat(path.c_str(), &status) == 0) {
    if (S_ISDIR(status.st_mode)) fail(path, ": is a folder, not a file");
    if (!S_ISREG(status.st_mode)) return {OutputKind::InPlace, path};
  }
  return {OutputKind::Replace, follow_symlinks(path)};
}

void check_output_path(const std::string& path) {
  const OutputTarget target = resolve_output_target(path);
  if (target.kind == OutputKind::StandardOutput) return;
  if (target.kind == OutputKind::InPlace) {
    if (::access(path.c_str(), W_OK) != 0) fail(path, ": cannot write: ", reason(errno));
    return;
  }
  const std::string folder = parent_folder(target.path);
  struct stat status;
  if (::stat(folder.c_str(), &status) != 0) fail(path, ": cannot write into the folder ", folder, ": ", reason(errno));
  if (!S_ISDIR(status.st_mode)) fail(path, ": ", folder, " is not a folder");
  // access() reports a read-only file system (EROFS) as well as missing permission.
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    fail(path, ": cannot write into the folder ", folder, ": ", reason(errno));
  if (::access(target.path.c_str(), F_OK) == 0 && ::access(target.path.c_str(), W_OK) != 0 && errno == EROFS)
    fail(path, ": cannot write: ", reason(errno));
}

void check_output_prefix(const std::string& prefix) {
  if (prefix.empty()) fail("output prefix is empty");
  const std::string folder = parent_folder(prefix);
  struct stat status;
  if (::stat(folder.c_str(), &status) != 0 || !S_ISDIR(status.st_mode))
    fail(prefix, ": no folder ", folder, " to write into");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    fail(prefix, ": cannot write into the folder ", folder, ": ", reason(errno));
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)), target_(resolve_output_target(path_)) {
  switch (target_.kind) {
    case OutputKind::StandardOutput:
      fd_ = STDOUT_FILENO;
      return;
    case OutputKind::InPlace:
      // No O_TRUNC and no O_CREAT: a device or FIFO is written as it is (a FIFO's open waits for its reader).
      fd_ = ::open(target_.path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) fail(path_, ": cannot open for writing: ", reason(errno));
      return;
    case OutputKind::Replace:
      break;
  }
  struct stat existing;
  const bool replacing = ::stat(target_.path.c_str(), &existing) == 0;
  for (int attempt = 0;; ++attempt) {
    temp_path_ = target_.path + ".tmp." + std::to_string(::getpid()) + "." + random_hex_suffix();
    // Registered before it exists, so that a signal arriving just after the open still removes it (the signal
    // handler's unlink of a name not yet created does nothing; the name holds our pid and a random suffix).
    slot_ = register_temporary(temp_path_);
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ >= 0) break;
    const int error = errno;
    unregister_temporary(slot_);  // not ours: never remove a file this process did not create
    slot_ = -1;
    if (error != EEXIST || attempt >= 100) {
      temp_path_.clear();
      fail(path_, ": cannot create a temporary file beside it: ", reason(error));
    }
  }
  if (replacing) ::fchmod(fd_, existing.st_mode & 07777);  // the replaced file keeps its permissions
}

OutputFile::~OutputFile() {
  if (fd_ >= 0 && target_.kind != OutputKind::StandardOutput) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
  unregister_temporary(slot_);
}

void OutputFile::write(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd_, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(target_.kind == OutputKind::StandardOutput ? std::string("standard output") : path_,
           ": cannot write: ", reason(errno));
    }
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void OutputFile::commit() {
  if (committed_) return;
  if (target_.kind != OutputKind::Replace) {
    committed_ = true;
    return;
  }
  // On disk before it gets the final name: a crash after the rename must not leave an empty or partial file.
  if (::fsync(fd_) != 0) fail(path_, ": cannot write: ", reason(errno));
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail(path_, ": cannot write: ", reason(errno));
  if (::rename(temp_path_.c_str(), target_.path.c_str()) != 0)
    fail(path_, ": cannot rename ", temp_path_, " onto it: ", reason(errno));
  committed_ = true;
}

FolderRemovedOnSignal::FolderRemovedOnSignal(const std::string& path) {
  char* copy = ::strdup(path.c_str());
  for (int i = 0; i < kTemporarySlots; ++i) {
    char* expected = nullptr;
    if (folder_slots[i].compare_exchange_strong(expected, copy)) {
      slot_ = i;
      return;
    }
  }
  std::free(copy);  // more than 256 at once: still cleaned up on errors, only not on signals
}

FolderRemovedOnSignal::~FolderRemovedOnSignal() {
  if (slot_ >= 0) std::free(folder_slots[slot_].exchange(nullptr));
}

void remove_output_temporaries_on_signals() {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current;
    if (::sigaction(signal_number, nullptr, &current) != 0 || current.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_die;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace splicebert
