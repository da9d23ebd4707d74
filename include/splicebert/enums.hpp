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

// A task head's problem type; Infer (the empty string) = from the labels.
enum class ProblemType { Infer, Binary, Multiclass, Multilabel, Regression };
ProblemType parse_problem_type(std::string_view text, std::string_view where);
const char* problem_type_name(ProblemType type);  // "" for Infer

// A task head's transform before the classifier.
enum class HeadTransform { None, Linear, Nonlinear };
HeadTransform parse_head_transform(std::string_view text, std::string_view where);
const char* head_transform_name(HeadTransform transform);

// How fine-tuning keeps related records in one fold.
enum class GroupBy { None, Chrom, Prefix };
GroupBy parse_group_by(std::string_view text, std::string_view where);
const char* group_by_name(GroupBy group_by);

}  // namespace splicebert
