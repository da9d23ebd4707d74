// `splicebert pretrain` end to end on a tiny model: checkpoints that inference loads, and a run killed with SIGKILL
// at a random step (or inside a checkpoint write) that resumes to weights bit-identical to an uninterrupted run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "pretrain_test_helpers.hpp"
#include "splicebert/model.hpp"

namespace splicebert {
namespace {

using test::run_cli;
using test::shell_quote;

struct PretrainCli : ::testing::Test {
  static void SetUpTestSuite() {
    dir = new test::TempDir;
    test::write_random_fasta(*dir / "train.fa", 24, 1);
    test::write_random_fasta(*dir / "valid.fa", 4, 2);
    // The reference: one uninterrupted run.
    reference = new test::CommandResult(run_config("reference"));
  }
  static void TearDownTestSuite() {
    delete reference;
    delete dir;
  }
  static std::string config_path(const std::string& name) {
    const std::string path = *dir / (name + ".json");
    test::write_json(path, test::tiny_pretrain_config(*dir / name, *dir / "train.fa", *dir / "valid.fa"));
    return path;
  }
  static test::CommandResult run_config(const std::string& name, const std::string& env = "") {
    return test::run_shell(env + " " + shell_quote(test::binary()) + " pretrain -q -t 1 --config " +
                           shell_quote(config_path(name)));
  }
  static std::string final_sha(const std::string& name) {
    return sha256_file_hex(*dir / (name + "/final/model.safetensors"));
  }
  static int random_step(int last) {
    std::random_device device;
    return std::uniform_int_distribution<int>(1, last)(device);
  }
  static test::TempDir* dir;
  static test::CommandResult* reference;
};
test::TempDir* PretrainCli::dir = nullptr;
test::CommandResult* PretrainCli::reference = nullptr;

constexpr int kTotalSteps = 30;  // tiny_pretrain_config: 18 + 12

TEST_F(PretrainCli, RunsBothStagesAndWritesALoadableModel) {
  ASSERT_EQ(reference->status, 0) << reference->err;
  const std::string log = *dir / "reference/train_log.jsonl";
  EXPECT_EQ(test::log_values(log, "step", "loss").size(), static_cast<size_t>(kTotalSteps));
  EXPECT_FALSE(test::log_values(log, "validation", "loss").empty());
  std::ofstream(*dir / "query.fa") << ">q\nACGUACGUAGCUAGCUAGCUAGCAGCUAGCAUCGAUCGAUCGAAACCCGGGUUU\n";
  auto embed = run_cli("embed -q -m " + shell_quote(*dir / "reference/final") + " -i " +
                       shell_quote(*dir / "query.fa") + " -o " + shell_quote(*dir / "query.npz"));
  EXPECT_EQ(embed.status, 0) << embed.err;
  auto info = run_cli("info -m " + shell_quote(*dir / "reference/final"));
  EXPECT_NE(info.out.find("max_positions\t128"), std::string::npos) << info.out;  // stage 2 grew the table
}

TEST_F(PretrainCli, ResumeAfterSigkillAtARandomStepIsBitIdentical) {
  ASSERT_EQ(reference->status, 0) << reference->err;
  const int kill_step = random_step(kTotalSteps - 1);  // before the first checkpoint too: resumes from scratch
  SCOPED_TRACE("killed after step " + std::to_string(kill_step));
  auto killed = run_config("killed", "SPLICEBERT_DEBUG_KILL_AT_STEP=" + std::to_string(kill_step));
  ASSERT_EQ(killed.status, 128 + 9) << killed.err;
  auto resumed = run_cli("pretrain -q -t 1 --resume " + shell_quote(*dir / "killed"));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(final_sha("killed"), final_sha("reference"));
  // The log holds each step once, with the reference's losses.
  EXPECT_EQ(test::log_values(*dir / "killed/train_log.jsonl", "step", "loss"),
            test::log_values(*dir / "reference/train_log.jsonl", "step", "loss"));
}

TEST_F(PretrainCli, ResumeAfterSigkillInsideACheckpointWriteIsBitIdentical) {
  ASSERT_EQ(reference->status, 0) << reference->err;
  // Checkpoints: every 5 steps of a stage and at each stage's end (stage 1: 18 steps, stage 2: 12).
  const std::vector<int> checkpoint_steps = {5, 10, 15, 18, 23, 28, 30};
  const int kill_step = checkpoint_steps[static_cast<size_t>(random_step(checkpoint_steps.size()) - 1)];
  SCOPED_TRACE("killed while writing the checkpoint of step " + std::to_string(kill_step));
  auto killed = run_config("killed_in_checkpoint", "SPLICEBERT_DEBUG_KILL_IN_CHECKPOINT=" + std::to_string(kill_step));
  ASSERT_EQ(killed.status, 128 + 9) << killed.err;
  auto resumed = run_cli("pretrain -q -t 1 --config " + shell_quote(config_path("killed_in_checkpoint")) +
                         " --resume " + shell_quote(*dir / "killed_in_checkpoint"));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(final_sha("killed_in_checkpoint"), final_sha("reference"));
}

TEST_F(PretrainCli, TrainsOnWindowShards) {
  std::filesystem::create_directories(*dir / "shards");
  auto windows = run_cli("windows -q -i human=" + shell_quote(*dir / "train.fa") + " -o " +
                         shell_quote(*dir / "shards/w") + " -l 62 --valid rec3,rec4");
  ASSERT_EQ(windows.status, 0) << windows.err;
  auto config = test::tiny_pretrain_config(*dir / "shard_run", *dir / "unused.fa", *dir / "unused.fa");
  config["data"] = {{"train", *dir / "shards/w.train"}, {"validation", *dir / "shards/w.valid"}};
  config["stages"] = {{{"name", "stage1"}, {"steps", 4}, {"max_position_embeddings", 64}}};
  test::write_json(*dir / "shard_run.json", config);
  auto result = run_cli("pretrain -t 1 --config " + shell_quote(*dir / "shard_run.json"));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(test::log_values(*dir / "shard_run/train_log.jsonl", "step", "loss").size(), 4u);
  EXPECT_EQ(test::log_values(*dir / "shard_run/train_log.jsonl", "validation", "loss").size(), 1u);
  // A shard whose windows do not fit the model is refused by name.
  config["stages"][0]["max_position_embeddings"] = 32;
  config["model"]["max_position_embeddings"] = 32;
  config["output_dir"] = *dir / "shard_run_small";
  test::write_json(*dir / "shard_run_small.json", config);
  result = run_cli("pretrain -q -t 1 --config " + shell_quote(*dir / "shard_run_small.json"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("w.train: window"), std::string::npos) << result.err;
}

TEST_F(PretrainCli, StartsFromACheckpointFolder) {
  const std::string init = test::fixtures_dir() + "/tiny/checkpoint-multimolecule";
  if (!std::filesystem::exists(init + "/config.json")) GTEST_SKIP() << "no fixture checkpoint at " << init;
  auto config = test::tiny_pretrain_config(*dir / "from_init", *dir / "train.fa", *dir / "valid.fa");
  config.erase("model");
  config["init_from"] = init;
  config["stages"] = {{{"name", "stage1"}, {"steps", 3}, {"min_length", 100}, {"max_length", 100}}};
  test::write_json(*dir / "from_init.json", config);
  auto result = run_cli("pretrain -q -t 1 --config " + shell_quote(*dir / "from_init.json"));
  ASSERT_EQ(result.status, 0) << result.err;
  auto info = run_cli("info -m " + shell_quote(*dir / "from_init/final"));
  EXPECT_NE(info.out.find("max_positions\t1026"), std::string::npos) << info.out;  // the checkpoint's table
  EXPECT_NE(sha256_file_hex(*dir / "from_init/final/model.safetensors"), sha256_file_hex(init + "/model.safetensors"));
}

TEST_F(PretrainCli, RefusesToOverwriteARun) {
  ASSERT_EQ(reference->status, 0) << reference->err;
  auto again = run_config("reference");
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
}

TEST_F(PretrainCli, ConfigErrorsNameTheKey) {
  auto config = test::tiny_pretrain_config(*dir / "bad", *dir / "train.fa", *dir / "valid.fa");
  config["optimiser"] = {{"lr", 1e-3}};  // misspelt
  test::write_json(*dir / "bad.json", config);
  auto result = run_cli("pretrain -q --config " + shell_quote(*dir / "bad.json"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("'optimiser'"), std::string::npos) << result.err;

  config.erase("optimiser");
  config["data"]["train"] = {*dir / "missing.fa"};
  test::write_json(*dir / "bad.json", config);
  result = run_cli("pretrain -q --config " + shell_quote(*dir / "bad.json"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("missing.fa"), std::string::npos) << result.err;

  config["data"]["train"] = {*dir / "train.fa"};
  config["model"]["position_init"] = "rotary";  // not an initialisation we have
  test::write_json(*dir / "bad.json", config);
  result = run_cli("pretrain -q --config " + shell_quote(*dir / "bad.json"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("position_init"), std::string::npos) << result.err;
}

TEST_F(PretrainCli, Bf16MixedPrecisionTracksTheFloat32Run) {
  ASSERT_EQ(reference->status, 0) << reference->err;
  auto config = test::tiny_pretrain_config(*dir / "bf16", *dir / "train.fa", *dir / "valid.fa");
  config["precision"] = "bf16";
  test::write_json(*dir / "bf16.json", config);
  auto result = run_cli("pretrain -q -t 1 --config " + shell_quote(*dir / "bf16.json"));
  ASSERT_EQ(result.status, 0) << result.err;
  const auto bf16 = test::log_values(*dir / "bf16/train_log.jsonl", "step", "loss");
  const auto f32 = test::log_values(*dir / "reference/train_log.jsonl", "step", "loss");
  ASSERT_EQ(bf16.size(), f32.size());
  // Same batches and masks: the first step's loss differs only by the bfloat16 operand rounding (not at all would
  // mean the bf16 path never ran), and the run stays close to the float32 one.
  EXPECT_NE(bf16[0], f32[0]);
  EXPECT_NEAR(bf16[0], f32[0], 0.02);
  for (size_t i = 0; i < bf16.size(); ++i) {
    EXPECT_TRUE(std::isfinite(bf16[i])) << "step " << i + 1;
    EXPECT_NEAR(bf16[i], f32[i], 0.1) << "step " << i + 1;
  }
  auto model = Model::load(*dir / "bf16/final");  // float32 weights, loadable as any checkpoint
  EXPECT_EQ(model->config().hidden_size, 32);
}

TEST_F(PretrainCli, SinusoidalPositionInitialisationStartsFromTheSinusoid) {
  auto config = test::tiny_pretrain_config(*dir / "sinusoid", *dir / "train.fa", *dir / "valid.fa");
  config["model"]["position_init"] = "sinusoidal";
  config["stages"] = nlohmann::json::array({config["stages"][0]});
  config["stages"][0]["steps"] = 1;
  config["optimizer"]["lr"] = 1e-12;  // the table stays as initialised (to 1e-12)
  config["optimizer"]["weight_decay"] = 0.0;
  test::write_json(*dir / "sinusoid.json", config);
  auto result = run_cli("pretrain -q -t 1 --config " + shell_quote(*dir / "sinusoid.json"));
  ASSERT_EQ(result.status, 0) << result.err;
  auto model = Model::load(*dir / "sinusoid/final");
  const TensorMap tensors = model->named_tensors();  // by value: keep it alive
  const Tensor& table = tensors.at("model.embeddings.position_embeddings.weight");
  const int64_t C = table.dim(1);
  const double amplitude = model->config().initializer_range * std::sqrt(2.0);
  EXPECT_NEAR(table.ptr()[0], 0.0, 1e-7);                        // sin(0)
  EXPECT_NEAR(table.ptr()[1], amplitude, 1e-6);                  // cos(0)
  EXPECT_NEAR(table.ptr()[2 * C], amplitude * std::sin(2.0), 1e-6);  // row 2, frequency 1
}

}  // namespace
}  // namespace splicebert
