// Typed views into a ParameterStore for the layer code: each parameter's values and its gradient buffer, resolved
// by MultiMolecule name once per step (so a resized tensor, e.g. grown positions, is picked up).
#pragma once
#include <string>
#include <vector>

#include "train/head_math.hpp"
#include "splicebert/train.hpp"

namespace splicebert::train::detail {

struct ParamRef {
  const float* value = nullptr;
  float* grad = nullptr;
};
struct LinearRef {  // y = x·Wᵀ + b, W [out, in]
  ParamRef weight, bias;
  int64_t out = 0, in = 0;
};
struct NormRef {
  ParamRef weight, bias;
};
struct LayerRefs {
  LinearRef query, key, value, attention_output;  // [C, C]
  NormRef attention_norm;
  LinearRef intermediate;  // [FF, C]
  LinearRef output;        // [C, FF]
  NormRef output_norm;
};
struct ModelRefs {
  ParamRef word, position, token_type;  // [V, C], [P, C], [type_vocab, C]
  NormRef embedding_norm;
  std::vector<LayerRefs> layers;
  bool has_lm_head = false;  // the MLM tensors below are set only for an MLM store
  LinearRef head_dense;  // [C, C]
  NormRef head_norm;
  ParamRef head_bias;    // [V]
};

ModelRefs resolve_parameters(ParameterStore& store);
// The store's pooler (sequence head) and task head (config.head) as the shared head math reads them.
splicebert::detail::HeadParams resolve_task_head(ParameterStore& store);

}  // namespace splicebert::train::detail
