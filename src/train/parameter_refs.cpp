#include "train/parameter_refs.hpp"

namespace splicebert::train::detail {

namespace {

ParamRef ref(ParameterStore& store, const std::string& name) {
  return {store.parameter(name).ptr(), store.gradient(name).ptr()};
}

LinearRef linear(ParameterStore& store, const std::string& prefix) {
  const Tensor& w = store.parameter(prefix + ".weight");
  return {ref(store, prefix + ".weight"), ref(store, prefix + ".bias"), w.dim(0), w.dim(1)};
}

NormRef norm(ParameterStore& store, const std::string& prefix) {
  return {ref(store, prefix + ".weight"), ref(store, prefix + ".bias")};
}

}  // namespace

ModelRefs resolve_parameters(ParameterStore& store) {
  ModelRefs m;
  m.word = ref(store, "model.embeddings.word_embeddings.weight");
  m.position = ref(store, "model.embeddings.position_embeddings.weight");
  m.token_type = ref(store, "model.embeddings.token_type_embeddings.weight");
  m.embedding_norm = norm(store, "model.embeddings.layer_norm");
  for (int i = 0; i < store.config().num_hidden_layers; ++i) {
    const std::string p = "model.encoder.layer." + std::to_string(i) + ".";
    LayerRefs l;
    l.query = linear(store, p + "attention.self.query");
    l.key = linear(store, p + "attention.self.key");
    l.value = linear(store, p + "attention.self.value");
    l.attention_output = linear(store, p + "attention.output.dense");
    l.attention_norm = norm(store, p + "attention.output.layer_norm");
    l.intermediate = linear(store, p + "intermediate.dense");
    l.output = linear(store, p + "output.dense");
    l.output_norm = norm(store, p + "output.layer_norm");
    m.layers.push_back(l);
  }
  if (store.parameters().count("lm_head.bias") == 0) return m;
  m.has_lm_head = true;
  m.head_dense = linear(store, "lm_head.transform.dense");
  m.head_norm = norm(store, "lm_head.transform.layer_norm");
  m.head_bias = ref(store, "lm_head.bias");
  return m;
}

splicebert::detail::HeadParams resolve_task_head(ParameterStore& store) {
  const ModelConfig& c = store.config();
  const std::string prefix = task_head_prefix(c);
  auto head_ref = [&](const std::string& name) {
    return splicebert::detail::HeadParam{store.parameter(name).ptr(), store.gradient(name).ptr()};
  };
  splicebert::detail::HeadParams p;
  p.kind = c.head.kind;
  p.transform = c.head.transform;
  p.C = c.hidden_size;
  p.n = c.head.num_labels;
  p.eps = static_cast<float>(c.head.layer_norm_eps);
  if (c.head.kind == HeadKind::Sequence) {
    p.pooler_weight = head_ref("model.pooler.dense.weight");
    p.pooler_bias = head_ref("model.pooler.dense.bias");
  }
  if (c.head.transform != "none") {
    p.transform_weight = head_ref(prefix + ".transform.dense.weight");
    p.transform_bias = head_ref(prefix + ".transform.dense.bias");
    p.norm_weight = head_ref(prefix + ".transform.layer_norm.weight");
    p.norm_bias = head_ref(prefix + ".transform.layer_norm.bias");
  }
  p.decoder_weight = head_ref(prefix + ".decoder.weight");
  if (c.head.bias) p.decoder_bias = head_ref(prefix + ".decoder.bias");
  return p;
}

}  // namespace splicebert::train::detail
