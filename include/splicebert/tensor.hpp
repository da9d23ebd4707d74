// Plain dense tensors. Float32 is the compute type; integer arrays (token ids, masks, labels) use int64 as numpy
// and the fixtures do. Row-major, contiguous.
#pragma once
#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace splicebert {

using Shape = std::vector<int64_t>;

inline int64_t shape_numel(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, [](int64_t a, int64_t b) { return a * b; });
}

std::string shape_to_string(const Shape& shape);  // "[2, 3]"

struct Tensor {
  Shape shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(Shape s) : shape(std::move(s)), data(static_cast<size_t>(shape_numel(shape)), 0.0f) {}
  Tensor(Shape s, std::vector<float> d) : shape(std::move(s)), data(std::move(d)) {}

  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  int64_t dim(size_t i) const { return shape.at(i); }
  float* ptr() { return data.data(); }
  const float* ptr() const { return data.data(); }
  bool empty() const { return data.empty(); }
};

struct IntTensor {
  Shape shape;
  std::vector<int64_t> data;
  int64_t numel() const { return static_cast<int64_t>(data.size()); }
};

// Named float tensors in name order, as checkpoints hold them.
using TensorMap = std::map<std::string, Tensor>;

}  // namespace splicebert
