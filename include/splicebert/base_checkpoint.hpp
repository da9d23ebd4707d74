// The `base` test checkpoint (fixtures/base): SpliceBERT-sized random weights in the MultiMolecule layout, defined
// so that any language regenerates them bit for bit (fixtures/base/gen_base_checkpoint.py's docstring):
//   stream(name) = SplitMix64 seeded with seed XOR fnv1a64(name);
//   value = float32(std * (u1 + u2 + ... + u12 - 6)), uniforms u = (next() >> 11) * 2^-53 summed left to right in
//   double; std 0.02 for matrices and embeddings, 0.01 for biases; LayerNorm weights 1 and biases 0.
// With the default spec, model.safetensors is byte-identical to what the Python generator writes.
#pragma once
#include <cstdint>
#include <string>

#include "splicebert/tensor.hpp"

namespace splicebert {

struct BaseCheckpointSpec {
  uint64_t seed = 1024;
  int layers = 6, hidden = 512, heads = 16, intermediate = 2048, max_positions = 1026;
};

// Every tensor of the checkpoint (the names model.safetensors holds), generated in memory.
TensorMap base_checkpoint_tensors(const BaseCheckpointSpec& spec);

// Writes config.json, model.safetensors, vocab.txt, tokenizer_config.json and special_tokens_map.json into
// `out_dir` (created if needed), each file atomically.
void write_base_checkpoint(const std::string& out_dir, const BaseCheckpointSpec& spec);

}  // namespace splicebert
