// splicebert._core: the compiled half of the `splicebert` package. Errors of the library keep their one-line
// message and become FileNotFoundError (a file or folder that cannot be opened), KeyboardInterrupt (a training run
// stopped by Ctrl-C) or ValueError (any other bad input); other C++ failures become RuntimeError.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "bindings.hpp"
#include "splicebert/error.hpp"
#include "splicebert/stop.hpp"

namespace splicebert::python {

ModelHandle::Lease ModelHandle::borrow() {
  const int threads = threads_ > 0 ? threads_ : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  omp_set_num_threads(threads);  // per calling thread (an OpenMP ICV), as the CLI's -t sets it for its one thread
  std::unique_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      session = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!session) session = std::make_unique<Session>(model_);
  return Lease(*this, std::move(session));
}

void ModelHandle::give_back(std::unique_ptr<Session> session) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(session));
}

namespace {

bool names_missing_file(const std::string& message) {
  for (const char* marker : {": cannot open", "not a model folder", "No such file", "no model.safetensors"})
    if (message.find(marker) != std::string::npos) return true;
  return false;
}

}  // namespace
}  // namespace splicebert::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace splicebert::python;
  m.doc() = "Compiled bindings of the splicebert C++ library (use the `splicebert` package, not this module).";
  m.attr("__version__") = SPLICEBERT_VERSION;
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const splicebert::Stopped& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const splicebert::Error& e) {
      PyErr_SetString(names_missing_file(e.what()) ? PyExc_FileNotFoundError : PyExc_ValueError, e.what());
    }
  });
  bind_tokenizer(m);
  bind_model(m);
  bind_pipelines(m);
  bind_training(m);
  bind_vcf(m);
}
