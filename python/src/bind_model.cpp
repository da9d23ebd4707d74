// Model bindings: loading (either layout, optional extra pooler, task heads added as fine-tuning adds them), the
// forward pass with every optional output, head logits and the head losses. Compute runs without the GIL.
#include <nlohmann/json.hpp>

#include "bindings.hpp"
#include "splicebert/error.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/task_model.hpp"

namespace splicebert::python {

namespace {

HeadKind head_kind(const std::string& name) {
  if (name == "sequence") return HeadKind::Sequence;
  if (name == "token" || name == "nucleotide") return HeadKind::Token;
  if (name == "contact") return HeadKind::Contact;
  if (name == "none" || name.empty()) return HeadKind::None;
  fail("unknown head kind '", name, "' (sequence, nucleotide, contact)");
}
const char* head_kind_name(HeadKind kind) {
  switch (kind) {
    case HeadKind::Sequence: return "sequence";
    case HeadKind::Token: return "nucleotide";
    case HeadKind::Contact: return "contact";
    case HeadKind::None: break;
  }
  return "none";
}

// Python's json module reads what nlohmann writes: configs cross the boundary as JSON text.
py::object json_to_python(const nlohmann::json& value) {
  return py::module_::import("json").attr("loads")(value.dump());
}

// [N, ...] stacked copy of equally shaped tensors (hidden states per layer, attentions per layer).
Tensor stack(const std::vector<Tensor>& parts) {
  if (parts.empty()) return {};
  Shape shape = parts[0].shape;
  shape.insert(shape.begin(), static_cast<int64_t>(parts.size()));
  Tensor out(shape);
  float* dst = out.ptr();
  for (const Tensor& part : parts) dst = std::copy(part.data.begin(), part.data.end(), dst);
  return out;
}

Batch batch_from(const IdArray& input_ids, const std::optional<IdArray>& attention_mask) {
  if (input_ids.ndim() != 2) fail("input_ids must be 2-D [batch, tokens], got ", input_ids.ndim(), " dimensions");
  Batch batch;
  batch.batch = input_ids.shape(0);
  batch.tokens = input_ids.shape(1);
  batch.input_ids.reserve(static_cast<size_t>(input_ids.size()));
  for (py::ssize_t i = 0; i < input_ids.size(); ++i) {
    const int64_t id = input_ids.data()[i];  // the library checks the vocabulary range; here only int32 overflow
    if (id < INT32_MIN || id > INT32_MAX) fail("token id ", id, " is outside the vocabulary");
    batch.input_ids.push_back(static_cast<int32_t>(id));
  }
  if (attention_mask) {
    if (shape_of(*attention_mask) != shape_of(input_ids))
      fail("attention_mask has shape ", shape_to_string(shape_of(*attention_mask)), " but input_ids has shape ",
           shape_to_string(shape_of(input_ids)));
    for (py::ssize_t i = 0; i < attention_mask->size(); ++i) {
      const int64_t v = attention_mask->data()[i];
      if (v != 0 && v != 1) fail("attention_mask holds ", v, "; only 0 and 1 are allowed");
      batch.attention_mask.push_back(static_cast<uint8_t>(v));
    }
  } else {
    batch.attention_mask.assign(batch.input_ids.size(), 1);
  }
  return batch;
}

py::dict forward(ModelHandle& handle, const IdArray& input_ids, const std::optional<IdArray>& attention_mask,
                 bool hidden_states, bool attentions, bool mlm_logits, bool pooler, bool head) {
  const Batch batch = batch_from(input_ids, attention_mask);
  const Model& model = *handle.model();
  ForwardOptions options = head ? head_forward_options(model.config()) : ForwardOptions{};
  options.hidden_states = hidden_states;
  options.attentions = attentions;
  options.mlm_logits = mlm_logits;
  options.pooler = options.pooler || pooler;
  Tensor last, all_hidden, all_attentions, logits, pooled, head_out;
  {
    py::gil_scoped_release release;
    auto session = handle.borrow();
    const ForwardOutput& out = (*session).forward(batch, options);
    last = out.last_hidden_state;
    if (hidden_states) all_hidden = stack(out.hidden_states);
    if (attentions) all_attentions = stack(out.attentions);
    if (mlm_logits) logits = out.mlm_logits;
    if (options.pooler) pooled = out.pooler_output;
    if (head) head_out = head_logits(model, batch, out);
  }
  py::dict result;
  result["last_hidden_state"] = to_numpy(std::move(last));
  if (hidden_states) result["hidden_states"] = to_numpy(std::move(all_hidden));
  if (attentions) result["attentions"] = to_numpy(std::move(all_attentions));
  if (mlm_logits) result["mlm_logits"] = to_numpy(std::move(logits));
  if (options.pooler) result["pooler_output"] = to_numpy(std::move(pooled));
  if (head) result["head_logits"] = to_numpy(std::move(head_out));
  return result;
}

}  // namespace

void bind_model(py::module_& m) {
  m.def(
      "head_loss",
      [](const std::string& problem_type, const FloatArray& logits, const FloatArray& labels) {
        const HeadLoss out = head_loss(problem_type, tensor_from(logits), tensor_from(labels));
        return py::make_tuple(out.loss, out.kept);
      },
      py::arg("problem_type"), py::arg("logits"), py::arg("labels"),
      "(loss, kept): the mean loss of binary | multiclass | multilabel | regression over the kept labels (-100 / "
      "NaN ignored); the masked-LM loss is multiclass over the vocabulary.");
  py::class_<ModelHandle, std::shared_ptr<ModelHandle>>(m, "Model",
      "A loaded SpliceBERT checkpoint (read-only, shared by threads; each call borrows its own buffers).")
      .def_static(
          "load",
          [](const std::string& path, bool require_lm_head, const std::string& pooler_file,
             const std::string& precision, int threads) {
            if (precision != "f32" && precision != "bf16") fail("precision must be 'f32' or 'bf16', got '", precision, "'");
            LoadOptions options{.require_lm_head = require_lm_head,
                                .precision = precision == "bf16" ? Precision::BF16 : Precision::F32,
                                .pooler_file = pooler_file};
            std::shared_ptr<const Model> model;
            {
              py::gil_scoped_release release;
              model = Model::load(path, options);
            }
            return std::make_shared<ModelHandle>(std::move(model), threads);
          },
          py::arg("path"), py::arg("require_lm_head") = false, py::arg("pooler_file") = "",
          py::arg("precision") = "f32", py::arg("threads") = 0,
          "Loads a checkpoint folder in either layout (safetensors or pytorch_model.bin).")
      .def(
          "with_task_head",
          [](const ModelHandle& self, const std::string& kind, int num_labels, const std::string& problem_type,
             const std::string& transform, uint64_t seed) {
            HeadConfig head;
            head.kind = head_kind(kind);
            head.num_labels = num_labels;
            head.problem_type = problem_type;
            head.transform = transform;
            TaskModel task = with_task_head(self.model(), head, seed);
            return py::make_tuple(std::make_shared<ModelHandle>(task.model, self.threads()), task.initialised);
          },
          py::arg("kind"), py::arg("num_labels") = 1, py::arg("problem_type") = "", py::arg("transform") = "none",
          py::arg("seed") = 1,
          "(model, initialised): this model with a task head; when the checkpoint has none, the pooler/head tensors "
          "it lacks are drawn as fine-tuning draws them and their names returned.")
      .def_property("threads", &ModelHandle::threads, &ModelHandle::set_threads,
                    "OpenMP threads for this model's calls (0 = every core).")
      .def_property_readonly("config", [](const ModelHandle& self) {
            return json_to_python(self.model()->config().to_json(self.model()->config().layout));
          }, "config.json as this checkpoint's layout writes it.")
      .def_property_readonly("head_kind", [](const ModelHandle& self) {
            return self.model()->weights().task_head ? head_kind_name(self.model()->config().head.kind) : "none";
          }, "sequence, nucleotide, contact or none.")
      .def_property_readonly("num_labels", [](const ModelHandle& self) { return self.model()->config().head.num_labels; },
                             "Outputs of the task head (0 without one).")
      .def_property_readonly("problem_type", [](const ModelHandle& self) { return self.model()->config().head.problem_type; },
                             "The head's problem type from config.json ('' = inferred from labels).")
      .def_property_readonly("hidden_size", [](const ModelHandle& self) { return self.model()->config().hidden_size; },
                             "Hidden size C.")
      .def_property_readonly("num_hidden_layers", [](const ModelHandle& self) { return self.model()->config().num_hidden_layers; },
                             "Encoder layers.")
      .def_property_readonly("max_position_embeddings",
                             [](const ModelHandle& self) { return self.model()->config().max_position_embeddings; },
                             "Position embeddings (longest input in tokens, <cls>/<eos> included).")
      .def_property_readonly("original_layout",
                             [](const ModelHandle& self) { return self.model()->config().layout == Layout::Original; },
                             "True for the authors' original (HF BERT) checkpoint layout.")
      .def_property_readonly("has_lm_head", [](const ModelHandle& self) { return self.model()->weights().lm_head.has_value(); },
                             "True when the checkpoint has the MLM head.")
      .def_property_readonly("has_pooler", [](const ModelHandle& self) { return self.model()->weights().pooler.has_value(); },
                             "True when the checkpoint (or pooler_file) has a pooler.")
      .def_property_readonly("tokenizer", [](const ModelHandle& self) { return self.model()->tokenizer(); },
                             "A copy of the checkpoint's tokenizer.")
      .def_property_readonly("source", [](const ModelHandle& self) { return self.model()->source(); },
                             "The weights file the model was loaded from (error messages use it).")
      .def_property_readonly("weights_file", [](const ModelHandle& self) { return self.model()->weights_file(); },
                             "Path of the weights file.")
      .def_property_readonly("weights_sha256", [](const ModelHandle& self) { return self.model()->weights_sha256(); },
                             "SHA-256 of the weights file (computed on first use).")
      .def_property_readonly("parameter_count", [](const ModelHandle& self) { return self.model()->parameter_count(); },
                             "Number of parameters loaded.")
      .def("forward", &forward, py::arg("input_ids"), py::arg("attention_mask") = py::none(),
           py::arg("hidden_states") = false, py::arg("attentions") = false, py::arg("mlm_logits") = false,
           py::arg("pooler") = false, py::arg("head") = false,
           "One forward pass over a padded batch [B, T] of ids (with <cls>/<eos>). Returns a dict: "
           "last_hidden_state [B, T, C], hidden_states [layers+1, B, T, C], attentions [layers, B, NH, T, T], "
           "mlm_logits [B, T, V], pooler_output [B, C], head_logits (sequence [B, n], nucleotide [B, T-2, n], "
           "contact [B, T-2, T-2, n]).")
      .def(
          "loss",
          [](const ModelHandle& self, const FloatArray& logits, const FloatArray& labels) {
            const Tensor l = tensor_from(logits), y = tensor_from(labels);
            const LabelledLoss out = loss_for_labels(self.model()->config().head, l, y);
            return py::make_tuple(out.loss.loss, out.loss.kept, out.problem_type);
          },
          py::arg("logits"), py::arg("labels"),
          "(loss, kept, problem_type) of this model's head for these labels (-100 / NaN entries ignored; problem "
          "type inferred from the labels when the config names none).");
}

}  // namespace splicebert::python
