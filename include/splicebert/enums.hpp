// Strings that are enums in effect (precision, a head's problem type and transform, fine-tuning's group_by), parsed
// once here from every spelling the tools accept, with one clear error naming where the value came from.
#pragma once
#include <string>
#include <string_view>

#include "splicebert/model.hpp"  // Precision

namespace splicebert {

// f32 | fp32 | float32 and bf16 | bfloat16 (any case). `where` names the option or config key in the error
// (empty: the message starts with "unknown precision").
Precision parse_precision(std::string_view text, std::string_view where = "precision");
const char* precision_name(Precision precision);  // "f32" | "bf16"

}  // namespace splicebert
