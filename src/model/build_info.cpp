// Versions come from the libraries loaded at run time (not their headers), so a swapped shared library shows.
#include "splicebert/build_info.hpp"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <string>

#include "kernels/cpu_isa.hpp"
#include "kernels/peak_fma.hpp"
#include "splicebert/model.hpp"

#ifndef SPLICEBERT_GIT_COMMIT
#define SPLICEBERT_GIT_COMMIT "unknown"
#endif

namespace splicebert {

namespace {
// The path the kernels run on (cpuid, or $SPLICEBERT_ISA), and what the CPU could run.
std::string cpu_path() {
  const kernels::Isa isa = kernels::active_isa();
  std::string path = kernels::isa_name(isa);
  if (isa == kernels::Isa::Avx2 && kernels::cpu_has_avx512()) path += " (forced; this CPU has AVX-512)";
  return path;
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

double measure_fp32_fma_peak_gflops(int threads, double seconds) {
  return kernels::measure_fp32_fma_peak_gflops(threads, seconds);
}

std::map<std::string, std::string> output_provenance(const Model* model, const std::string& command) {
  std::map<std::string, std::string> record{{"tool", std::string("splicebert ") + SPLICEBERT_VERSION},
                                            {"command", command}};
  if (model) {
    record["model"] = model->weights_file();
    record["model_sha256"] = model->weights_sha256();
  }
  return record;
}

}  // namespace splicebert
