// The instruction-set path the kernels run on, chosen once at start: the binary is built for a portable baseline
// (x86-64-v3: AVX2 + FMA) and carries AVX-512 kernels that run only where the CPU has them. $SPLICEBERT_ISA=avx2|avx512
// forces a path (tests run the suite on both; users pin a cluster's nodes to one answer). Forcing avx2 also caps
// oneDNN's JIT at AVX2, so the whole engine behaves as it would on an AVX2-only node.
#pragma once

namespace splicebert::kernels {

enum class Isa { Avx2, Avx512 };

bool cpu_has_avx512();  // AVX-512 F, BW, VL and DQ: what the fused kernels use
Isa active_isa();       // cpuid, or $SPLICEBERT_ISA; an error for an unknown value or avx512 on a CPU without it
const char* isa_name(Isa isa);

}  // namespace splicebert::kernels
