#include "io/tensor_source.hpp"

#include "splicebert/error.hpp"

namespace splicebert {

void TensorSource::spend(uint64_t bytes, const std::string& what) {
  if (bytes > budget_)
    fail(what, ": reading it would take ", bytes, " bytes, past the ", budget_,
         " bytes left for the tensors the config asks for");
  budget_ -= bytes;
}

namespace {

class TensorMapSource final : public TensorSource {
 public:
  TensorMapSource(TensorMap tensors, const std::string& source) : TensorSource(source), tensors_(std::move(tensors)) {
    for (const auto& [name, tensor] : tensors_) shapes_[name] = tensor.shape;
  }
  const std::map<std::string, Shape>& index() const override { return shapes_; }
  Tensor read(const std::string& name) override { return std::move(tensors_.at(name)); }

 private:
  TensorMap tensors_;
  std::map<std::string, Shape> shapes_;
};

}  // namespace

std::unique_ptr<TensorSource> tensor_map_source(TensorMap tensors, const std::string& source) {
  return std::make_unique<TensorMapSource>(std::move(tensors), source);
}

}  // namespace splicebert
