// The arithmetic precision of the inference linear layers (and of the training GEMMs). A kernel-level type: the
// kernels take it, the model and the front doors pass it through (parse_precision in enums.hpp reads it from text).
#pragma once

namespace splicebert {

// F32: float32 throughout. BF16: the linear layers' operands are rounded to bfloat16 and the products accumulated in
// float32 (docs/kernels.md says how each CPU path does it); everything else stays float32.
enum class Precision { F32, BF16 };

}  // namespace splicebert
