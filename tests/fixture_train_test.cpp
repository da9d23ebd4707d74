// The training golden (fixtures/README.md "Training golden"): one MLM step on tiny/train/*, dropout off. Checks the
// loss, every parameter gradient and one AdamW step under both manifest rules. Every name, shape, hyper-parameter
// and tolerance is read from the manifest and the files, so any fixture folder of the same format works.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "splicebert/model.hpp"
#include "splicebert/train.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using nlohmann::json;

constexpr const char* kGradPrefix = "train/grad/";
constexpr const char* kAdamPrefix = "train/param_after_adamw/";

std::string tiny(const std::string& relative) { return test::fixtures_dir() + "/tiny/" + relative; }

// "train/grad/<name>.npy" -> "<name>"
std::string tensor_name(const std::string& file, const std::string& prefix) {
  return file.substr(prefix.size(), file.size() - prefix.size() - 4);
}

struct TrainFixture : ::testing::Test {
  static void SetUpTestSuite() {
    manifest = new json(test::load_manifest("tiny"));
    auto model = Model::load(tiny("checkpoint-multimolecule"), LoadOptions{.require_lm_head = true, .precision = Precision::F32, .pooler_file = {}});
    tokenizer = new Tokenizer(model->tokenizer());
    store = new train::ParameterStore(train::ParameterStore::from_model(*model));
    initial = new TensorMap(store->parameters());

    IntTensor ids = read_npy(tiny("train/input_ids.npy")).to_int64();
    IntTensor mask = read_npy(tiny("train/attention_mask.npy")).to_int64();
    IntTensor labels = read_npy(tiny("train/labels.npy")).to_int64();
    batch = new train::MlmBatch;
    batch->batch.batch = ids.shape.at(0);
    batch->batch.tokens = ids.shape.at(1);
    for (int64_t v : ids.data) batch->batch.input_ids.push_back(static_cast<int32_t>(v));
    for (int64_t v : mask.data) batch->batch.attention_mask.push_back(static_cast<uint8_t>(v != 0));
    int64_t labelled = 0;
    for (int64_t v : labels.data) {
      batch->labels.push_back(static_cast<int32_t>(v));
      labelled += v != -100;
    }
    train::TrainingSession session(*store, *tokenizer);
    store->zero_gradients();
    stats = new train::MlmStats(session.forward_backward(*batch, {}, 1.0 / static_cast<double>(labelled)));
  }
  static void TearDownTestSuite() {
    delete manifest;
    delete tokenizer;
    delete store;
    delete initial;
    delete batch;
    delete stats;
  }

  static std::vector<std::string> files_under(const std::string& prefix) {
    std::vector<std::string> files;
    for (const auto& [file, entry] : (*manifest)["files"].items())
      if (file.starts_with(prefix)) files.push_back(file);
    return files;
  }
  static const json& tolerance(const std::string& file) { return (*manifest)["files"][file]["tolerance"]; }
  static train::AdamWOptions optimizer_options() {
    const json& o = (*manifest)["training"]["optimizer"];
    train::AdamWOptions options;
    options.lr = o["lr"].get<double>();
    options.beta1 = o["betas"][0].get<double>();
    options.beta2 = o["betas"][1].get<double>();
    options.eps = o["eps"].get<double>();
    options.weight_decay = o["weight_decay"].get<double>();
    return options;
  }
  // One AdamW step (the manifest's `steps`, 1 in the shared set) from zero state on a copy of the initial weights.
  static train::ParameterStore adamw_from(const TensorMap& gradients) {
    train::ParameterStore copy(store->config(), *initial, "initial weights");
    for (const auto& [name, g] : gradients) copy.gradient(name) = g;
    train::AdamW optimizer(optimizer_options());
    const int64_t steps = (*manifest)["training"]["optimizer"].value("steps", 1);
    for (int64_t s = 0; s < steps; ++s) optimizer.step(copy, optimizer.options().lr);
    return copy;
  }

  static json* manifest;
  static Tokenizer* tokenizer;
  static train::ParameterStore* store;
  static TensorMap* initial;
  static train::MlmBatch* batch;
  static train::MlmStats* stats;
};
json* TrainFixture::manifest = nullptr;
Tokenizer* TrainFixture::tokenizer = nullptr;
train::ParameterStore* TrainFixture::store = nullptr;
TensorMap* TrainFixture::initial = nullptr;
train::MlmBatch* TrainFixture::batch = nullptr;
train::MlmStats* TrainFixture::stats = nullptr;

TEST_F(TrainFixture, LossMatchesGolden) {
  const Tensor expected = read_npy(tiny("train/loss.npy")).to_float();
  const double error = std::fabs(stats->loss() - expected.data.at(0));
  std::cout << "loss " << stats->loss() << " expected " << expected.data[0] << " |error| " << error << "\n";
  EXPECT_LE(error, tolerance("train/loss.npy")["atol"].get<double>());
}

TEST_F(TrainFixture, EveryGradientMatchesGolden) {
  const auto files = files_under(kGradPrefix);
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.size(), store->gradients().size()) << "the fixture and the store disagree on the parameter set";
  double worst = 0;
  std::string worst_name;
  for (const std::string& file : files) {
    const std::string name = tensor_name(file, kGradPrefix);
    const Tensor expected = read_npy(tiny(file)).to_float();
    const Tensor& got = store->gradient(name);
    ASSERT_EQ(got.shape, expected.shape) << name;
    const double error = test::max_abs_diff(got.ptr(), expected.ptr(), expected.data.size());
    EXPECT_LE(error, tolerance(file)["atol"].get<double>()) << name;
    if (error > worst) worst = error, worst_name = name;
  }
  std::cout << "gradients: max |error| " << worst << " (" << worst_name << ")\n";
}

TEST_F(TrainFixture, AdamWFedStoredGradientsMatchesGolden) {
  TensorMap stored;
  for (const std::string& file : files_under(kGradPrefix))
    stored[tensor_name(file, kGradPrefix)] = read_npy(tiny(file)).to_float();
  train::ParameterStore after = adamw_from(stored);
  double worst_ratio = 0;
  for (const std::string& file : files_under(kAdamPrefix)) {
    const std::string name = tensor_name(file, kAdamPrefix);
    const json& tol = tolerance(file)["from_stored_grads"];
    const double atol = tol["atol"].get<double>(), rtol = tol["rtol"].get<double>();
    const Tensor expected = read_npy(tiny(file)).to_float();
    const Tensor& got = after.parameter(name);
    ASSERT_EQ(got.shape, expected.shape) << name;
    for (size_t i = 0; i < expected.data.size(); ++i) {
      const double allowed = atol + rtol * std::fabs(expected.data[i]);
      const double error = std::fabs(static_cast<double>(got.data[i]) - expected.data[i]);
      ASSERT_LE(error, allowed) << name << "[" << i << "]";
      worst_ratio = std::max(worst_ratio, error / allowed);
    }
  }
  std::cout << "AdamW from stored gradients: max error / tolerance " << worst_ratio << "\n";
}

// "atol_where_|expected_grad|<1e-5" -> 1e-5
double threshold_in_key(const std::string& key) { return std::stod(key.substr(key.rfind('<') + 1)); }

TEST_F(TrainFixture, AdamWEndToEndMatchesGolden) {
  train::ParameterStore after = adamw_from(store->gradients());
  double worst_large = 0, worst_small = 0;
  for (const std::string& file : files_under(kAdamPrefix)) {
    const std::string name = tensor_name(file, kAdamPrefix);
    const json& tol = tolerance(file)["end_to_end"];
    double small_threshold = 0, small_atol = tol["atol"].get<double>();
    for (const auto& [key, value] : tol.items())
      if (key.starts_with("atol_where_")) small_threshold = threshold_in_key(key), small_atol = value.get<double>();
    const Tensor expected = read_npy(tiny(file)).to_float();
    const Tensor expected_grad = read_npy(tiny(kGradPrefix + name + ".npy")).to_float();
    const Tensor& got = after.parameter(name);
    ASSERT_EQ(got.shape, expected.shape) << name;
    for (size_t i = 0; i < expected.data.size(); ++i) {
      const bool small = std::fabs(expected_grad.data[i]) < small_threshold;
      const double error = std::fabs(static_cast<double>(got.data[i]) - expected.data[i]);
      ASSERT_LE(error, small ? small_atol : tol["atol"].get<double>()) << name << "[" << i << "]";
      (small ? worst_small : worst_large) = std::max(small ? worst_small : worst_large, error);
    }
  }
  std::cout << "AdamW end to end: max |error| " << worst_large << " where |grad| is large, " << worst_small
            << " where small\n";
}

TEST_F(TrainFixture, SavedStoreLoadsBackAsModel) {
  test::TempDir dir;
  store->save_model_folder(dir.path, *tokenizer);
  auto reloaded = Model::load(dir.path, LoadOptions{.require_lm_head = true, .precision = Precision::F32, .pooler_file = {}});
  const TensorMap tensors = reloaded->named_tensors();
  for (const auto& [name, p] : store->parameters()) {
    ASSERT_TRUE(tensors.count(name)) << name;
    EXPECT_EQ(tensors.at(name).data, p.data) << name;
  }
  const auto bytes = read_file_bytes(dir / "model.safetensors");
  EXPECT_EQ(read_safetensors(dir / "model.safetensors").metadata.at("format"), "pt");
  EXPECT_GT(bytes.size(), 8u);
}

}  // namespace
}  // namespace splicebert
