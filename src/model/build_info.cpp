// Versions come from the libraries loaded at run time (not their headers), so a swapped shared library shows.
#include "splicebert/build_info.hpp"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <string>

#ifndef SPLICEBERT_GIT_COMMIT
#define SPLICEBERT_GIT_COMMIT "unknown"
#endif

namespace splicebert {

namespace {
// The instruction set the kernels were compiled for (the build tunes for the build machine), and whether this CPU
// has it: a binary copied to an older node says so here before it dies of an illegal instruction.
std::string cpu_path() {
#if defined(__AVX512F__)
  const char* compiled = "avx512";
  const bool available = __builtin_cpu_supports("avx512f");
#elif defined(__AVX2__)
  const char* compiled = "avx2";
  const bool available = __builtin_cpu_supports("avx2");
#else
  const char* compiled = "generic x86-64";
  const bool available = true;
#endif
  return std::string(compiled) + (available ? "" : " (this CPU lacks it)");
}
}  // namespace

BuildInfo build_info() {
  BuildInfo info;
  info.version = SPLICEBERT_VERSION;
  info.git_commit = SPLICEBERT_GIT_COMMIT;
  info.blas = openblas_get_config();  // "OpenBLAS 0.3.21 … USE_OPENMP <core>"
  const dnnl_version_t* dnnl = dnnl_version();
  info.onednn = "oneDNN " + std::to_string(dnnl->major) + "." + std::to_string(dnnl->minor) + "." +
                std::to_string(dnnl->patch);
  info.cpu_path = cpu_path();
  return info;
}

}  // namespace splicebert
