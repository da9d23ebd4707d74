#include "kernels/gemm_onednn.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <vector>
#include <mutex>
#include <dnnl.hpp>

#include "kernels/cpu_isa.hpp"
#include "splicebert/error.hpp"

namespace splicebert::kernels {

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Linux hands out the AMX tile state only to processes that ask for it (arch_prctl ARCH_REQ_XCOMP_PERM); without
// the request oneDNN's ISA check sees no AMX and bf16 GEMMs fall back to AVX512-BF16. Harmless where AMX is absent.
void request_amx_permission() {
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata);
}

dnnl::engine& cpu_engine() {
  static dnnl::engine engine = [] {
    request_amx_permission();
    // A forced AVX2 path caps oneDNN's JIT too (it must be set before the first primitive is made). The inference
    // linear layers do not come here on that path (its AVX2 kernels choose their blocking by row count, so batched
    // rows would differ from single ones): gemm_avx2.hpp serves them.
    if (active_isa() == Isa::Avx2) dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx2);
    return dnnl::engine(dnnl::engine::kind::cpu, 0);
  }();
  return engine;
}

// Rows used to ask oneDNN for its preferred weight layout; the layout does not depend on the row count.
constexpr int64_t kPackingRows = 512;

struct OneDnnLinear final : PackedLinear {
  int64_t N = 0, K = 0;
  dt weight_type = dt::f32;
  memory::desc packed_desc;
  memory packed_weights;
  struct Entry {
    dnnl::matmul::primitive_desc pd;
    dnnl::matmul primitive;
  };
  mutable std::mutex mutex;
  mutable std::map<std::pair<int64_t, int>, Entry> primitives;

  dnnl::matmul::primitive_desc make_pd(int64_t M, Epilogue epilogue, const memory::desc& weights) const {
    memory::desc src({M, K}, weight_type, tag::ab);
    memory::desc bias({1, N}, dt::f32, tag::ab);
    memory::desc dst({M, N}, dt::f32, tag::ab);
    dnnl::primitive_attr attr;
    // The caller provides the scratchpad (a per-thread buffer), so executing never allocates (and never page-faults
    // fresh memory) inside the forward.
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (epilogue == Epilogue::BiasGelu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, bias, dst), attr, cpu_engine());
  }

  const Entry& entry(int64_t M, Epilogue epilogue) const {
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_pair(M, static_cast<int>(epilogue));
    auto it = primitives.find(key);
    if (it == primitives.end()) {
      auto pd = make_pd(M, epilogue, packed_desc);
      it = primitives.emplace(key, Entry{pd, dnnl::matmul(pd)}).first;
    }
    return it->second;
  }
};

}  // namespace

std::shared_ptr<const PackedLinear> onednn_pack_linear(const Tensor& weight, Precision precision) {
  auto packed = std::make_shared<OneDnnLinear>();
  packed->N = weight.dim(0);
  packed->K = weight.dim(1);
  packed->weight_type = precision == Precision::BF16 ? dt::bf16 : dt::f32;
  // Our W is [N, K] row-major = oneDNN's {K, N} weights in `ba` order.
  memory::desc plain({packed->K, packed->N}, dt::f32, tag::ba);
  memory::desc any({packed->K, packed->N}, packed->weight_type, tag::any);
  auto pd = packed->make_pd(kPackingRows, Epilogue::Bias, any);
  packed->packed_desc = pd.weights_desc();
  packed->packed_weights = memory(packed->packed_desc, cpu_engine());
  memory source(plain, cpu_engine(), const_cast<float*>(weight.ptr()));
  dnnl::stream stream(cpu_engine());
  dnnl::reorder(source, packed->packed_weights).execute(stream, source, packed->packed_weights);
  stream.wait();
  return packed;
}

bool onednn_linear_forward(const float* x, int64_t M, const Linear& linear, float* y, Epilogue epilogue) {
  const auto* packed = dynamic_cast<const OneDnnLinear*>(linear.packed.get());
  if (!packed) return false;
  const auto& e = packed->entry(M, epilogue);
  auto& engine = cpu_engine();
  thread_local dnnl::stream stream(engine);  // one per calling thread: streams are not shared between threads
  memory dst(e.pd.dst_desc(), engine, y);
  thread_local std::vector<uint8_t> scratchpad_buffer;
  const size_t scratchpad_size = e.pd.scratchpad_desc().get_size();
  if (scratchpad_buffer.size() < scratchpad_size) scratchpad_buffer.resize(scratchpad_size);
  memory scratchpad(e.pd.scratchpad_desc(), engine, scratchpad_buffer.data());
  memory bias(e.pd.bias_desc(), engine, const_cast<float*>(linear.bias.ptr()));
  if (packed->weight_type == dt::f32) {
    memory src(e.pd.src_desc(), engine, const_cast<float*>(x));
    e.primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, packed->packed_weights},
                                 {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst},
                                 {DNNL_ARG_SCRATCHPAD, scratchpad}});
  } else {
    // bf16 weights: the activations are converted to bf16 on the way in; accumulation and output stay float32.
    // Converted activations live in a per-thread buffer grown to the largest call: no allocation per call.
    thread_local std::vector<uint16_t> converted;
    if (converted.size() < static_cast<size_t>(M * packed->K)) converted.resize(static_cast<size_t>(M * packed->K));
    memory src_f32({{M, packed->K}, dt::f32, tag::ab}, engine, const_cast<float*>(x));
    memory src(e.pd.src_desc(), engine, converted.data());
    dnnl::reorder(src_f32, src).execute(stream, src_f32, src);
    e.primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, packed->packed_weights},
                                 {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst},
                                 {DNNL_ARG_SCRATCHPAD, scratchpad}});
  }
  stream.wait();
  return true;
}

}  // namespace splicebert::kernels
