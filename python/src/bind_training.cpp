// Training bindings: `splicebert finetune` and `splicebert pretrain` run by the C++ engine from Python, with the
// run's log records passed to a Python callback and Ctrl-C polled before every optimiser step (the run then stops
// with KeyboardInterrupt; what was committed before stays, and `resume` continues from it).
#include <omp.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "bindings.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pretrain.hpp"

namespace splicebert::python {

namespace {

nlohmann::json json_from_python(const py::object& value) {
  // default=str: os.PathLike values (pathlib.Path) in a config become their paths
  return nlohmann::json::parse(py::module_::import("json").attr("dumps")(value, py::arg("default") = py::module_::import("builtins").attr("str")).cast<std::string>());
}

// The callback of the run's log records (GIL taken for the call; an exception in it ends the run).
std::function<void(const nlohmann::json&)> record_callback(const py::object& progress) {
  if (progress.is_none()) return {};
  return [progress](const nlohmann::json& record) {
    py::gil_scoped_acquire acquire;
    progress(py::module_::import("json").attr("loads")(record.dump()));
  };
}

// True once Ctrl-C (or another signal whose Python handler raises) arrived.
bool interrupted() {
  py::gil_scoped_acquire acquire;
  if (PyErr_CheckSignals() == 0) return false;
  PyErr_Clear();  // the library's Stopped becomes the KeyboardInterrupt, with a message saying what is kept
  return true;
}

void apply_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

}  // namespace

void bind_training(py::module_& m) {
  m.def(
      "finetune_with_preset",
      [](const std::string& name, const py::object& config) {
        nlohmann::json merged = finetune::FinetuneConfig::preset(name);
        merged.merge_patch(json_from_python(config));  // as `finetune --preset`: the config's keys win
        merged["preset"] = name;
        return py::module_::import("json").attr("loads")(merged.dump());
      },
      py::arg("name"), py::arg("config"),
      "SB's recipe ('splice-site' or 'branchpoint') with the config's keys merged over it (JSON merge patch).");
  m.def(
      "finetune",
      [](const py::object& config_json, const std::string& source, bool resume, bool quiet, int threads,
         const py::object& progress) {
        const finetune::FinetuneConfig config = finetune::FinetuneConfig::from_json(json_from_python(config_json), source);
        finetune::RunOptions options;
        options.quiet = quiet;
        options.resume = resume;
        options.command_line = "python: splicebert.finetune(" + source + ")";
        options.on_record = record_callback(progress);
        options.should_stop = interrupted;
        nlohmann::json summary;
        {
          py::gil_scoped_release release;
          apply_threads(threads > 0 ? threads : config.threads);
          summary = finetune::run_finetuning(config, options);
        }
        return py::module_::import("json").attr("loads")(summary.dump());
      },
      py::arg("config"), py::arg("source"), py::arg("resume") = false, py::arg("quiet") = false,
      py::arg("threads") = 0, py::arg("progress") = py::none(),
      "Runs `splicebert finetune` on a config dict (preset already merged); returns summary.json as a dict.");
  m.def(
      "pretrain",
      [](const py::object& config_json, const std::string& source, const std::string& resume, bool quiet, int threads,
         const py::object& progress) {
        const train::PretrainConfig config = train::PretrainConfig::from_json(json_from_python(config_json), source);
        train::PretrainOptions options;
        options.resume = resume;
        options.quiet = quiet;
        options.command_line = "python: splicebert.pretrain(" + source + ")";
        options.on_record = record_callback(progress);
        options.should_stop = interrupted;
        std::string last;
        {
          py::gil_scoped_release release;
          apply_threads(threads > 0 ? threads : config.threads);
          options.threads = omp_get_max_threads();
          last = train::run_pretraining(config, options);
        }
        return last;
      },
      py::arg("config"), py::arg("source"), py::arg("resume") = "", py::arg("quiet") = false, py::arg("threads") = 0,
      py::arg("progress") = py::none(),
      "Runs `splicebert pretrain` on a config dict; returns the final checkpoint folder.");
}

}  // namespace splicebert::python
