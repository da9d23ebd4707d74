#include "kernels/cpu_isa.hpp"

#include <cstdlib>
#include <string>

#include "splicebert/error.hpp"

namespace splicebert::kernels {

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}

Isa active_isa() {
  static const Isa isa = [] {
    const char* forced = std::getenv("SPLICEBERT_ISA");
    const std::string value = forced ? forced : "";
    if (value.empty()) return cpu_has_avx512() ? Isa::Avx512 : Isa::Avx2;
    if (value == "avx2") return Isa::Avx2;
    if (value == "avx512") {
      if (!cpu_has_avx512()) fail("SPLICEBERT_ISA=avx512, but this CPU has no AVX-512 (F, BW, VL, DQ)");
      return Isa::Avx512;
    }
    fail("SPLICEBERT_ISA='", value, "' is neither 'avx2' nor 'avx512'");
  }();
  return isa;
}

const char* isa_name(Isa isa) { return isa == Isa::Avx512 ? "avx512" : "avx2"; }

}  // namespace splicebert::kernels
