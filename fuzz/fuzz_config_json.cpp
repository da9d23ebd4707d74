// libFuzzer: the JSON configs. Bytes that are not JSON are skipped (the JSON library is not ours to fuzz); valid
// JSON goes to ModelConfig, FinetuneConfig and PretrainConfig::from_json, whose answer to a bad config must be a
// splicebert::Error.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "splicebert/config.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/pretrain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    splicebert::ModelConfig::from_json(json, "fuzz");
  } catch (const splicebert::Error&) {
  }
  try {
    splicebert::finetune::FinetuneConfig::from_json(json, "fuzz");
  } catch (const splicebert::Error&) {
  }
  try {
    splicebert::train::PretrainConfig::from_json(json, "fuzz");
  } catch (const splicebert::Error&) {
  }
  return 0;
}
