// What `splicebert --version` reports: the version, the git commit it was built from, the BLAS and oneDNN libraries
// linked at run time, and the CPU code path in use.
#pragma once
#include <string>

namespace splicebert {

struct BuildInfo {
  std::string version, git_commit, blas, onednn, cpu_path;
};
BuildInfo build_info();

}  // namespace splicebert
