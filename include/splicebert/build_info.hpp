// What `splicebert --version` reports: the version, the git commit it was built from, the BLAS and oneDNN libraries
// linked at run time, and the CPU code path in use.
#pragma once
#include <map>
#include <string>

namespace splicebert {

struct BuildInfo {
  std::string version, git_commit, blas, onednn, cpu_path;
};
BuildInfo build_info();

class Model;
// What every output file records about how it was made: the tool and its version, the command that ran (as the
// caller spells it: a command line, or a Python call), and, with a model, its weights file and SHA-256.
std::map<std::string, std::string> output_provenance(const Model* model, const std::string& command);

// This machine's fp32 FMA peak in GFLOP/s on the active CPU path: `threads` threads each running independent FMA
// chains on the widest vectors the path uses, for about `seconds`. Benchmarks report "% of peak" against it.
double measure_fp32_fma_peak_gflops(int threads, double seconds = 0.3);

}  // namespace splicebert
