// Folders built under a temporary name (a conversion's output, a training checkpoint, a private scratch folder)
// that an interrupted run must not leave behind. While a guard lives, the handlers that
// remove_output_temporaries_on_signals() installs (io.hpp) delete the folder and what it holds — files and up to
// three levels of subfolders — when SIGINT, SIGTERM or SIGHUP arrives, before the process dies of the signal.
// Errors and normal ends are the caller's to clean up, as before; the guard only covers signals.
#pragma once
#include <string>

namespace splicebert {

class FolderRemovedOnSignal {
 public:
  explicit FolderRemovedOnSignal(const std::string& path);
  ~FolderRemovedOnSignal();  // the folder is no longer removed on a signal (it was renamed or cleaned up)
  FolderRemovedOnSignal(const FolderRemovedOnSignal&) = delete;
  FolderRemovedOnSignal& operator=(const FolderRemovedOnSignal&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace splicebert
