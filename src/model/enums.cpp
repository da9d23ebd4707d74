// One parser per enum-like string; errors list the accepted spellings.
#include "splicebert/enums.hpp"

#include <algorithm>
#include <cctype>

#include "splicebert/error.hpp"

namespace splicebert {

namespace {
std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

Precision parse_precision(std::string_view text, std::string_view where) {
  const std::string value = lower(text);
  if (value == "f32" || value == "fp32" || value == "float32") return Precision::F32;
  if (value == "bf16" || value == "bfloat16") return Precision::BF16;
  fail(where, where.empty() ? "" : ": ", "unknown precision '", text, "' (expected f32, fp32, float32, bf16 or bfloat16)");
}

const char* precision_name(Precision precision) { return precision == Precision::BF16 ? "bf16" : "f32"; }

ProblemType parse_problem_type(std::string_view text, std::string_view where) {
  for (ProblemType type : {ProblemType::Infer, ProblemType::Binary, ProblemType::Multiclass, ProblemType::Multilabel,
                           ProblemType::Regression})
    if (text == problem_type_name(type)) return type;
  fail(where, ": problem_type '", text, "' is not binary, multiclass, multilabel or regression (or left out to infer "
       "it from the labels)");
}

const char* problem_type_name(ProblemType type) {
  switch (type) {
    case ProblemType::Binary: return "binary";
    case ProblemType::Multiclass: return "multiclass";
    case ProblemType::Multilabel: return "multilabel";
    case ProblemType::Regression: return "regression";
    default: return "";
  }
}

HeadTransform parse_head_transform(std::string_view text, std::string_view where) {
  for (HeadTransform transform : {HeadTransform::None, HeadTransform::Linear, HeadTransform::Nonlinear})
    if (text == head_transform_name(transform)) return transform;
  fail(where, ": head.transform '", text, "' must be none, linear or nonlinear");
}

const char* head_transform_name(HeadTransform transform) {
  return transform == HeadTransform::Linear ? "linear" : transform == HeadTransform::Nonlinear ? "nonlinear" : "none";
}

GroupBy parse_group_by(std::string_view text, std::string_view where) {
  for (GroupBy group_by : {GroupBy::None, GroupBy::Chrom, GroupBy::Prefix})
    if (text == group_by_name(group_by)) return group_by;
  fail(where, ": group_by '", text, "' must be none, chrom or prefix");
}

const char* group_by_name(GroupBy group_by) {
  return group_by == GroupBy::Chrom ? "chrom" : group_by == GroupBy::Prefix ? "prefix" : "none";
}

}  // namespace splicebert
