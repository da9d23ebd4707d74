// PyTorch storages as torch.save writes them (raw little-endian elements in `<top>/data/<key>`), and the strided
// views that _rebuild_tensor_v2 describes over them, gathered into contiguous float32 tensors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "splicebert/tensor.hpp"

namespace splicebert::torch_storage {

enum class Element { F32, F64, F16, BF16, I64, I32, I16, I8, U8, Bool };

struct StorageType {
  const char* global;  // the pickle global naming it, e.g. "torch.FloatStorage"
  Element element;
  int64_t bytes;  // per element
};

const std::vector<StorageType>& storage_types();
const StorageType* find_storage_type(const std::string& global);  // nullptr when unknown

struct StridedView {
  int64_t offset = 0;  // in elements
  Shape size;
  std::vector<int64_t> stride;  // in elements
};

// Checks the view against a storage of `storage_numel` elements (every index inside, no negative sizes or strides,
// no overflow, and no more elements than the storage holds: a state dict never stores broadcast views), then
// converts every element to float32: exact for the float types, and for integers up to 2^24 (position ids).
// `what` names the tensor in errors.
Tensor gather(const StorageType& type, const uint8_t* storage, int64_t storage_numel, const StridedView& view,
              const std::string& what);

}  // namespace splicebert::torch_storage
