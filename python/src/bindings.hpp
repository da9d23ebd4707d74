// Shared pieces of the splicebert._core bindings: numpy conversion, the model handle with its session pool, and
// the per-area registration functions (one .cpp each).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "splicebert/model.hpp"

namespace splicebert::python {

namespace py = pybind11;

// A numpy array that owns `data` (moved, not copied): outputs the library hands over by value are zero-copy.
template <class T>
py::array_t<T> owned_array(std::vector<T>&& data, const Shape& shape) {
  auto* holder = new std::vector<T>(std::move(data));
  py::capsule owner(holder, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(std::vector<py::ssize_t>(shape.begin(), shape.end()), holder->data(), owner);
}
inline py::array_t<float> to_numpy(Tensor&& tensor) { return owned_array(std::move(tensor.data), tensor.shape); }

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using IdArray = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

inline Shape shape_of(const py::array& array) {
  return Shape(array.shape(), array.shape() + array.ndim());
}
inline Tensor tensor_from(const FloatArray& array) {
  Tensor t(shape_of(array));
  if (t.numel()) std::memcpy(t.ptr(), array.data(), sizeof(float) * static_cast<size_t>(t.numel()));
  return t;
}

// A loaded model shared by any number of Python threads: each call borrows an idle Session (or makes one) and
// gives it back, so buffers are reused and no two threads ever share one. `threads` (0 = every core) is the OpenMP
// thread count set on the calling thread for this model's calls.
class ModelHandle {
 public:
  ModelHandle(std::shared_ptr<const Model> model, int threads) : model_(std::move(model)), threads_(threads) {}
  const std::shared_ptr<const Model>& model() const { return model_; }
  int threads() const { return threads_; }
  void set_threads(int threads) { threads_ = threads; }

  class Lease {
   public:
    Lease(ModelHandle& owner, std::unique_ptr<Session> session) : owner_(owner), session_(std::move(session)) {}
    ~Lease() { owner_.give_back(std::move(session_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Session& operator*() { return *session_; }

   private:
    ModelHandle& owner_;
    std::unique_ptr<Session> session_;
  };
  // Call without the GIL: sets this thread's OpenMP threads and borrows a session.
  Lease borrow();

 private:
  void give_back(std::unique_ptr<Session> session);
  std::shared_ptr<const Model> model_;
  int threads_ = 0;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Session>> idle_;
};

void bind_tokenizer(py::module_& m);
void bind_model(py::module_& m);
void bind_pipelines(py::module_& m);
void bind_training(py::module_& m);
void bind_vcf(py::module_& m);

}  // namespace splicebert::python
