// Folding the class-weight prior out of a multiclass head (include/splicebert/finetune.hpp, calibrate_logits).
#include <cmath>
#include <filesystem>

#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/train.hpp"
#include "splicebert/io.hpp"

namespace splicebert::finetune {

void calibrate_logits(Tensor& logits, const std::vector<double>& class_weights) {
  const size_t V = class_weights.size();
  if (V == 0) return;
  if (logits.shape.empty() || logits.shape.back() != static_cast<int64_t>(V))
    fail("calibrate_logits: logits end in ", logits.shape.empty() ? 0 : logits.shape.back(), " labels, ", V,
         " class weights given");
  for (size_t i = 0; i < logits.data.size(); ++i) logits.data[i] -= static_cast<float>(std::log(class_weights[i % V]));
}

void shift_output_bias(TensorMap& parameters, const ModelConfig& head_config, const std::vector<double>& class_weights,
                       int direction) {
  const std::string name = train::task_head_prefix(head_config) + ".decoder.bias";
  auto it = parameters.find(name);
  if (it == parameters.end())
    fail("calibrate_class_weights: the head has no output bias (", name, ") to take the class-weight prior");
  Tensor& bias = it->second;
  if (bias.data.size() != class_weights.size())
    fail("calibrate_class_weights: ", name, " has ", bias.data.size(), " entries, ", class_weights.size(),
         " class weights given");
  for (size_t c = 0; c < class_weights.size(); ++c)
    bias.data[c] += static_cast<float>(direction * std::log(class_weights[c]));
}

std::vector<double> calibrated_class_weights_of(const std::string& model_dir) {
  const std::string path = model_dir + "/finetune_config.json";
  if (!std::filesystem::is_regular_file(path)) return {};
  const nlohmann::json j = nlohmann::json::parse(read_file_text(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) fail(path, ": not a JSON object");
  const auto flag = j.find("calibrate_class_weights");
  if (flag == j.end() || !flag->is_boolean() || !flag->get<bool>()) return {};
  return FinetuneConfig::from_json(j, path).head.class_weights;  // the config reader's checks, naming the file
}

}  // namespace splicebert::finetune
