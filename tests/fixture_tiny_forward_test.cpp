// Parity of the forward pass with the `tiny` goldens (fixtures/README.md), for both checkpoint layouts and both
// weight files. Every shape, text, id and tolerance comes from the fixture folder.
#include <gtest/gtest.h>

#include <filesystem>

#include "splicebert/model.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using nlohmann::json;
using test::fixtures_dir;

struct TinyFixture : ::testing::Test {
  static void SetUpTestSuite() { manifest = new json(test::load_manifest("tiny")); }
  static void TearDownTestSuite() { delete manifest; }
  static json* manifest;

  static std::string path(const std::string& relative) { return fixtures_dir() + "/tiny/" + relative; }
  static double atol(const std::string& file) { return (*manifest)["files"][file]["tolerance"]["atol"].get<double>(); }
  static Tensor expected(const std::string& file) { return read_npy(path(file)).to_float(); }

  // The batch stored in inputs/<prefix>input_ids.npy and its attention mask.
  static Batch stored_batch(const std::string& ids_file, const std::string& mask_file) {
    IntTensor ids = read_npy(path(ids_file)).to_int64();
    IntTensor mask = read_npy(path(mask_file)).to_int64();
    Batch batch;
    batch.batch = ids.shape.at(0);
    batch.tokens = ids.shape.at(1);
    for (int64_t v : ids.data) batch.input_ids.push_back(static_cast<int32_t>(v));
    for (int64_t v : mask.data) batch.attention_mask.push_back(static_cast<uint8_t>(v != 0));
    return batch;
  }

  // max |got - want| over the rows [.., t, :] whose attention mask is 1 (tensors [B, T, X]).
  static double masked_diff(const Tensor& got, const Tensor& want, const Batch& batch) {
    EXPECT_EQ(got.numel(), want.numel());
    const int64_t inner = want.numel() / (batch.batch * batch.tokens);
    double worst = 0;
    for (int64_t row = 0; row < batch.batch * batch.tokens; ++row) {
      if (!batch.attention_mask[row]) continue;
      worst = std::max(worst, test::max_abs_diff(got.ptr() + row * inner, want.ptr() + row * inner, inner));
    }
    return worst;
  }
};
json* TinyFixture::manifest = nullptr;

std::shared_ptr<const Model> load_with_weights(const std::string& dir, const std::string& weights_file,
                                               const std::string& pooler = "") {
  TensorMap tensors = weights_file.ends_with(".bin") ? read_torch_checkpoint(dir + "/" + weights_file)
                                                     : read_safetensors(dir + "/" + weights_file).tensors;
  if (!pooler.empty())
    for (auto& [name, t] : read_safetensors(pooler).tensors) tensors[name] = t;
  return Model::from_tensors(ModelConfig::from_file(dir + "/config.json"),
                             Tokenizer::from_vocab_file(dir + "/vocab.txt"), std::move(tensors), dir);
}

class MultiMoleculeWeights : public TinyFixture, public ::testing::WithParamInterface<std::string> {};

TEST_P(MultiMoleculeWeights, EveryOutputMatchesGolden) {
  auto model = load_with_weights(path("checkpoint-multimolecule"), GetParam(), path("extra/pooler.safetensors"));
  Batch batch = stored_batch("inputs/input_ids.npy", "inputs/attention_mask.npy");
  Session session(model);
  ForwardOptions options{.hidden_states = true, .attentions = true, .mlm_logits = true, .pooler = true};
  ForwardOutput out = session.forward(batch, options);

  EXPECT_LE(masked_diff(out.last_hidden_state, expected("expected/last_hidden_state.npy"), batch),
            atol("expected/last_hidden_state.npy"));
  EXPECT_LE(masked_diff(out.mlm_logits, expected("expected/mlm_logits.npy"), batch), atol("expected/mlm_logits.npy"));

  Tensor hidden = expected("expected/hidden_states.npy");  // [layers+1, B, T, C]
  ASSERT_EQ(static_cast<int64_t>(out.hidden_states.size()), hidden.dim(0));
  const int64_t per_layer = hidden.numel() / hidden.dim(0);
  for (size_t l = 0; l < out.hidden_states.size(); ++l) {
    Tensor want(Shape(hidden.shape.begin() + 1, hidden.shape.end()),
                std::vector<float>(hidden.data.begin() + l * per_layer, hidden.data.begin() + (l + 1) * per_layer));
    EXPECT_LE(masked_diff(out.hidden_states[l], want, batch), atol("expected/hidden_states.npy")) << "layer " << l;
  }

  Tensor pooler = expected("expected/pooler_output.npy");
  EXPECT_LE(test::max_abs_diff(out.pooler_output.ptr(), pooler.ptr(), pooler.data.size()),
            atol("expected/pooler_output.npy"));

  // Layer-0 attention rows: [B, NH, rows, T] for the query positions in attention_layer0_rows_index.npy.
  Tensor rows = expected("expected/attention_layer0_rows.npy");
  IntTensor index = read_npy(path("expected/attention_layer0_rows_index.npy")).to_int64();
  const int64_t NH = rows.dim(1), R = rows.dim(2), T = rows.dim(3);
  const Tensor& probs = out.attentions.at(0);  // [B, NH, T, T]
  ASSERT_EQ(probs.dim(3), T);
  double worst = 0;
  for (int64_t b = 0; b < rows.dim(0); ++b)
    for (int64_t h = 0; h < NH; ++h)
      for (int64_t r = 0; r < R; ++r) {
        const int64_t q = index.data[b * R + r];
        for (int64_t j = 0; j < T; ++j) {
          if (!batch.attention_mask[b * T + j]) {
            EXPECT_EQ(probs.data[((b * NH + h) * T + q) * T + j], 0.0f) << "padded keys get probability 0";
            continue;
          }
          worst = std::max(worst, std::fabs(double(probs.data[((b * NH + h) * T + q) * T + j]) -
                                            rows.data[((b * NH + h) * R + r) * T + j]));
        }
      }
  EXPECT_LE(worst, atol("expected/attention_layer0_rows.npy"));
}

INSTANTIATE_TEST_SUITE_P(BothWeightFiles, MultiMoleculeWeights,
                         ::testing::Values("model.safetensors", "pytorch_model.bin"));

TEST_F(TinyFixture, ShortBatchMatchesAndPaddingDoesNotLeak) {
  auto model = Model::load(path("checkpoint-multimolecule"));
  Batch batch = stored_batch("inputs/short_input_ids.npy", "inputs/short_attention_mask.npy");
  Session session(model);
  ForwardOutput out = session.forward(batch, {.attentions = true});
  EXPECT_LE(masked_diff(out.last_hidden_state, expected("expected/short_last_hidden_state.npy"), batch),
            atol("expected/short_last_hidden_state.npy"));
  Tensor want = expected("expected/short_attentions.npy");  // [layers, B, NH, T, T]
  const int64_t B = want.dim(1), NH = want.dim(2), T = want.dim(3);
  double worst = 0;
  for (int64_t l = 0; l < want.dim(0); ++l)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < NH; ++h)
        for (int64_t i = 0; i < T; ++i)
          for (int64_t j = 0; j < T; ++j) {
            if (!batch.attention_mask[b * T + i] || !batch.attention_mask[b * T + j]) continue;
            const int64_t at = (((l * B + b) * NH + h) * T + i) * T + j;
            worst = std::max(worst, std::fabs(double(out.attentions[l].data[at - l * B * NH * T * T]) - want.data[at]));
          }
  EXPECT_LE(worst, atol("expected/short_attentions.npy"));
}

TEST_F(TinyFixture, OriginalLayoutMatchesGolden) {
  auto model = Model::load(path("checkpoint-original"), {.require_lm_head = true});
  EXPECT_EQ(model->config().layout, Layout::Original);
  Batch batch = stored_batch("inputs/original_input_ids.npy", "inputs/attention_mask.npy");
  Session session(model);
  ForwardOutput out = session.forward(batch, {.mlm_logits = true});
  EXPECT_LE(masked_diff(out.last_hidden_state, expected("expected/original_last_hidden_state.npy"), batch),
            atol("expected/original_last_hidden_state.npy"));
  EXPECT_LE(masked_diff(out.mlm_logits, expected("expected/original_mlm_logits.npy"), batch),
            atol("expected/original_mlm_logits.npy"));
}

TEST_F(TinyFixture, TokenizerReproducesStoredIds) {
  Tokenizer mm = Tokenizer::from_vocab_file(path("checkpoint-multimolecule/vocab.txt"));
  Tokenizer original = Tokenizer::from_vocab_file(path("checkpoint-original/vocab.txt"));
  IntTensor stored = read_npy(path("inputs/input_ids.npy")).to_int64();
  IntTensor stored_original = read_npy(path("inputs/original_input_ids.npy")).to_int64();
  const int64_t T = stored.shape.at(1);
  int64_t row = 0;
  for (const auto& seq : (*manifest)["sequences"]) {
    const std::string text = seq["text"];
    auto ids = mm.encode(text).ids;
    EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.end()), seq["ids"].get<std::vector<int64_t>>()) << text;
    auto original_ids = original.encode(text).ids;
    EXPECT_EQ(std::vector<int64_t>(original_ids.begin(), original_ids.end()),
              seq["original_ids"].get<std::vector<int64_t>>())
        << text;
    for (size_t t = 0; t < ids.size(); ++t) {
      EXPECT_EQ(stored.data[row * T + t], ids[t]);
      EXPECT_EQ(stored_original.data[row * T + t], original_ids[t]);
    }
    ++row;
  }
  for (const auto& c : (*manifest)["tokenizer_cases"]) {
    const std::string text = c["text"];
    auto ids = mm.encode(text).ids;
    EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.end()), c["ids"].get<std::vector<int64_t>>()) << text;
  }
}

}  // namespace
}  // namespace splicebert
