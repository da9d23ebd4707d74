// A weights file opened for reading in two steps: first the index (every tensor's name, shape and stored element
// type, read from the header or the pickle without touching tensor data), then one tensor at a time on request.
// The model loader checks the index against the config before it reads anything, so a crafted file cannot make it
// allocate more than the config's tensors need; `set_read_budget` caps the bytes a source may inflate or convert.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "splicebert/tensor.hpp"

namespace splicebert {

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  // Name -> shape, as the file declares them.
  virtual const std::map<std::string, Shape>& index() const = 0;
  // The tensor as float32; the name must be in index().
  virtual Tensor read(const std::string& name) = 0;
  // Total bytes of stored data this source may still materialise (storages inflated, tensors converted).
  void set_read_budget(uint64_t bytes) { budget_ = bytes; }
  const std::string& source() const { return source_; }

 protected:
  explicit TensorSource(std::string source) : source_(std::move(source)) {}
  // Counts `bytes` against the budget; fails naming `what` when it runs out.
  void spend(uint64_t bytes, const std::string& what);

 private:
  std::string source_;
  uint64_t budget_ = UINT64_MAX;
};

// Sources over a whole file read into memory (the file's own size is what the input really holds).
std::unique_ptr<TensorSource> open_safetensors_source(const std::string& path);
std::unique_ptr<TensorSource> open_torch_checkpoint_source(const std::string& path);
// A source over tensors already in memory (Model::from_tensors).
std::unique_ptr<TensorSource> tensor_map_source(TensorMap tensors, const std::string& source);

}  // namespace splicebert
