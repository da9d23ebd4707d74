// Checkpoint tensor names: every layout's names mapped onto the MultiMolecule ones (docs/model.md, "Checkpoint folders").
#pragma once
#include <optional>
#include <string>

namespace splicebert {

// The MultiMolecule name for a tensor of any supported layout, or nullopt for tensors that carry no information of
// their own: tied decoder copies and the position_ids buffer.
std::optional<std::string> canonical_tensor_name(const std::string& name);

// The original (HF BERT) name of a MultiMolecule tensor, for conversion back.
std::string original_tensor_name(const std::string& multimolecule_name);

}  // namespace splicebert
