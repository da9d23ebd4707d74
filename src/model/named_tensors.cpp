// Model::named_tensors: the weights back under their MultiMolecule names (tied decoder left out), for saving.
#include "splicebert/model.hpp"

namespace splicebert {

namespace {

void put_linear(TensorMap& out, const std::string& prefix, const Linear& linear) {
  out[prefix + ".weight"] = linear.weight;
  out[prefix + ".bias"] = linear.bias;
}

void put_norm(TensorMap& out, const std::string& prefix, const LayerNormWeights& norm) {
  out[prefix + ".weight"] = norm.weight;
  out[prefix + ".bias"] = norm.bias;
}

}  // namespace

TensorMap Model::named_tensors() const {
  TensorMap out;
  const ModelWeights& w = weights_;
  out["model.embeddings.word_embeddings.weight"] = w.word_embeddings;
  out["model.embeddings.position_embeddings.weight"] = w.position_embeddings;
  out["model.embeddings.token_type_embeddings.weight"] = w.token_type_embeddings;
  put_norm(out, "model.embeddings.layer_norm", w.embedding_norm);
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const std::string p = "model.encoder.layer." + std::to_string(i) + ".";
    const EncoderLayerWeights& l = w.layers[i];
    put_linear(out, p + "attention.self.query", l.query);
    put_linear(out, p + "attention.self.key", l.key);
    put_linear(out, p + "attention.self.value", l.value);
    put_linear(out, p + "attention.output.dense", l.attention_output);
    put_norm(out, p + "attention.output.layer_norm", l.attention_norm);
    put_linear(out, p + "intermediate.dense", l.intermediate);
    put_linear(out, p + "output.dense", l.output);
    put_norm(out, p + "output.layer_norm", l.output_norm);
  }
  if (w.pooler) put_linear(out, "model.pooler.dense", *w.pooler);
  if (w.lm_head) {
    put_linear(out, "lm_head.transform.dense", w.lm_head->dense);
    put_norm(out, "lm_head.transform.layer_norm", w.lm_head->norm);
    out["lm_head.bias"] = w.lm_head->bias;
  }
  if (w.task_head) {
    const char* prefix = config_.head.kind == HeadKind::Sequence ? "sequence_head" :
                         config_.head.kind == HeadKind::Token ? "token_head" : "contact_head";
    if (w.task_head->transform_dense) put_linear(out, std::string(prefix) + ".transform.dense", *w.task_head->transform_dense);
    if (w.task_head->transform_norm) put_norm(out, std::string(prefix) + ".transform.layer_norm", *w.task_head->transform_norm);
    put_linear(out, std::string(prefix) + ".decoder", w.task_head->decoder);
  }
  return out;
}

}  // namespace splicebert
