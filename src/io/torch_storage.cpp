#include "io/torch_storage.hpp"

#include <bit>
#include <cstring>

#include "io/float16.hpp"
#include "splicebert/error.hpp"

namespace splicebert::torch_storage {
namespace {

static_assert(std::endian::native == std::endian::little, "storages are little-endian and read in place");

// torch.Tensor dimensions are bounded in practice by a few dozen; this keeps a hostile size tuple cheap.
constexpr size_t kMaxDims = 64;

template <class Stored>
Stored load_raw(const uint8_t* storage, int64_t index) {
  Stored value;
  std::memcpy(&value, storage + index * static_cast<int64_t>(sizeof(Stored)), sizeof(Stored));
  return value;
}

template <class Stored>
float load_number(const uint8_t* storage, int64_t index) {
  return static_cast<float>(load_raw<Stored>(storage, index));
}

// Walks the view in row-major order: the innermost dimension as a strided run, the outer ones as an odometer.
template <class Load>
void gather_with(const StridedView& view, int64_t numel, float* out, Load load) {
  const size_t dims = view.size.size();
  if (dims == 0) {
    out[0] = load(view.offset);
    return;
  }
  const int64_t inner = view.size[dims - 1], inner_stride = view.stride[dims - 1];
  std::vector<int64_t> index(dims - 1, 0);
  int64_t base = view.offset;
  for (int64_t done = 0; done < numel; done += inner) {
    for (int64_t j = 0; j < inner; ++j) out[done + j] = load(base + j * inner_stride);
    for (size_t d = dims - 1; d-- > 0;) {
      if (++index[d] < view.size[d]) {
        base += view.stride[d];
        break;
      }
      base -= view.stride[d] * (view.size[d] - 1);  // within the range check_view proved free of overflow
      index[d] = 0;
    }
  }
}

// Returns the element count; throws unless every index of the view lies inside the storage.
int64_t check_view(const StridedView& view, int64_t storage_numel, const std::string& what) {
  if (view.size.size() != view.stride.size())
    fail(what, ": ", view.size.size(), " sizes but ", view.stride.size(), " strides");
  if (view.size.size() > kMaxDims) fail(what, ": ", view.size.size(), " dimensions");
  if (view.offset < 0) fail(what, ": negative storage offset ", view.offset);
  int64_t numel = 1, last_index = view.offset;
  for (size_t d = 0; d < view.size.size(); ++d) {
    const int64_t size = view.size[d], stride = view.stride[d];
    if (size < 0 || stride < 0) fail(what, ": negative size or stride in dimension ", d);
    int64_t reach;
    if (__builtin_mul_overflow(numel, size, &numel) ||
        (size > 0 &&
         (__builtin_mul_overflow(size - 1, stride, &reach) || __builtin_add_overflow(last_index, reach, &last_index))))
      fail(what, ": size ", shape_to_string(view.size), " with stride ", shape_to_string(view.stride), " overflows");
  }
  if (numel == 0) return 0;
  if (last_index >= storage_numel)
    fail(what, ": size ", shape_to_string(view.size), ", stride ", shape_to_string(view.stride), " and offset ",
         view.offset, " reach element ", last_index, " of a storage of ", storage_numel, " elements");
  if (numel > storage_numel)
    fail(what, ": ", numel, " elements viewed from a storage of ", storage_numel,
         " (broadcast views are not state-dict tensors)");
  return numel;
}

}  // namespace

const std::vector<StorageType>& storage_types() {
  static const std::vector<StorageType> types = {
      {"torch.FloatStorage", Element::F32, 4}, {"torch.DoubleStorage", Element::F64, 8},
      {"torch.HalfStorage", Element::F16, 2},  {"torch.BFloat16Storage", Element::BF16, 2},
      {"torch.LongStorage", Element::I64, 8},  {"torch.IntStorage", Element::I32, 4},
      {"torch.ShortStorage", Element::I16, 2}, {"torch.CharStorage", Element::I8, 1},
      {"torch.ByteStorage", Element::U8, 1},   {"torch.BoolStorage", Element::Bool, 1},
  };
  return types;
}

const StorageType* find_storage_type(const std::string& global) {
  for (const StorageType& type : storage_types())
    if (global == type.global) return &type;
  return nullptr;
}

Tensor gather(const StorageType& type, const uint8_t* storage, int64_t storage_numel, const StridedView& view,
              const std::string& what) {
  const int64_t numel = check_view(view, storage_numel, what);
  Tensor tensor(view.size);
  if (numel == 0) return tensor;
  float* out = tensor.ptr();
  auto with = [&](auto load) { gather_with(view, numel, out, load); };
  switch (type.element) {
    case Element::F32: with([&](int64_t i) { return load_raw<float>(storage, i); }); break;
    case Element::F64: with([&](int64_t i) { return load_number<double>(storage, i); }); break;
    case Element::F16: with([&](int64_t i) { return half_bits_to_float(load_raw<uint16_t>(storage, i)); }); break;
    case Element::BF16: with([&](int64_t i) { return bfloat16_bits_to_float(load_raw<uint16_t>(storage, i)); }); break;
    case Element::I64: with([&](int64_t i) { return load_number<int64_t>(storage, i); }); break;
    case Element::I32: with([&](int64_t i) { return load_number<int32_t>(storage, i); }); break;
    case Element::I16: with([&](int64_t i) { return load_number<int16_t>(storage, i); }); break;
    case Element::I8: with([&](int64_t i) { return load_number<int8_t>(storage, i); }); break;
    case Element::U8: with([&](int64_t i) { return load_number<uint8_t>(storage, i); }); break;
    case Element::Bool: with([&](int64_t i) { return storage[i] ? 1.0f : 0.0f; }); break;
  }
  return tensor;
}

}  // namespace splicebert::torch_storage
