// Training components without fixtures: gradients of the whole model against finite differences with dropout on,
// masking proportions, the plateau schedule, AdamW state round trip and the generator's state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "splicebert/convert.hpp"
#include "splicebert/train.hpp"
#include "test_util.hpp"

namespace splicebert::train {
namespace {

ModelConfig small_config(int vocab) {
  ModelConfig c;
  c.vocab_size = vocab;
  c.hidden_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 24;
  c.max_position_embeddings = 40;
  return c;
}

Tokenizer vocabulary26() { return Tokenizer::from_tokens(target_vocabulary("26"), "26-token vocabulary"); }

MlmBatch random_batch(const Tokenizer& tokenizer, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<int32_t>> rows;
  for (int length : {20, 13, 30}) {
    std::string text;
    for (int i = 0; i < length; ++i) text += "ACGUN"[rng.below(5)];
    rows.push_back(tokenizer.encode(text).ids);
  }
  MlmBatch mlm;
  mlm.batch = make_batch(rows, tokenizer.pad_id());
  mlm.labels.assign(mlm.batch.input_ids.size(), -100);
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<int32_t> ids = rows[r], labels;
    mask_tokens(ids, labels, tokenizer, MaskingOptions{.probability = 0.3}, rng);
    for (size_t t = 0; t < ids.size(); ++t) {
      mlm.batch.input_ids[r * mlm.batch.tokens + t] = ids[t];
      mlm.labels[r * mlm.batch.tokens + t] = labels[t];
    }
    mlm.sequence_keys.push_back(1000 + r);
  }
  return mlm;
}

TEST(TrainComponents, GradientsMatchFiniteDifferencesWithDropout) {
  const Tokenizer tokenizer = vocabulary26();
  ParameterStore store = ParameterStore::random_init(small_config(tokenizer.size()), 5);
  // Larger weights than BERT's 0.02 so that every path carries a visible gradient.
  for (auto& [name, p] : store.parameters())
    if (name.find("layer_norm") == std::string::npos)
      for (float& x : p.data) x *= 10.0f;
  const MlmBatch batch = random_batch(tokenizer, 3);
  const DropoutSettings dropout{.hidden = 0.1f, .attention = 0.1f, .step_key = 77};
  TrainingSession session(store, tokenizer);
  store.zero_gradients();
  session.forward_backward(batch, dropout, 1.0);
  const TensorMap analytic = store.gradients();

  auto loss = [&] {
    TrainingSession probe(store, tokenizer);
    store.zero_gradients();
    return probe.forward_backward(batch, dropout, 0.0).loss_sum;
  };
  Rng pick(9);
  int checked = 0;
  for (auto& [name, param] : store.parameters()) {
    for (int k = 0; k < 3; ++k) {
      const size_t i = pick.below(param.data.size());
      const double g = analytic.at(name).data[i];
      const float saved = param.data[i];
      const float h = 1e-2f * std::max(1.0f, std::fabs(saved));
      param.data[i] = saved + h;
      const double up = loss();
      param.data[i] = saved - h;
      const double down = loss();
      param.data[i] = saved;
      const double numeric = (up - down) / (static_cast<double>(saved + h) - static_cast<double>(saved - h));
      EXPECT_NEAR(g, numeric, 2e-2 + 3e-2 * std::fabs(numeric)) << name << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(TrainComponents, DropoutChangesTheLossAndIsReproducible) {
  const Tokenizer tokenizer = vocabulary26();
  ParameterStore store = ParameterStore::random_init(small_config(tokenizer.size()), 6);
  const MlmBatch batch = random_batch(tokenizer, 4);
  TrainingSession session(store, tokenizer);
  const double off = session.forward_backward(batch, {}, 1.0).loss_sum;
  const double on1 = session.forward_backward(batch, {.hidden = 0.3f, .attention = 0.3f, .step_key = 1}, 1.0).loss_sum;
  const double on2 = session.forward_backward(batch, {.hidden = 0.3f, .attention = 0.3f, .step_key = 1}, 1.0).loss_sum;
  const double evaluated = session.evaluate(batch).loss_sum;
  EXPECT_NE(off, on1);
  EXPECT_EQ(on1, on2);
  EXPECT_EQ(off, evaluated);
}

TEST(TrainComponents, MaskingFollowsTheRecipe) {
  const Tokenizer tokenizer = vocabulary26();
  Rng rng(1);
  int64_t tokens = 0, selected = 0, masked = 0, random = 0, unchanged = 0;
  for (int round = 0; round < 200; ++round) {
    std::string text;
    for (int i = 0; i < 500; ++i) text += "ACGUN"[rng.below(5)];
    std::vector<int32_t> ids = tokenizer.encode(text).ids, labels;
    const std::vector<int32_t> original = ids;
    selected += mask_tokens(ids, labels, tokenizer, {}, rng);
    ASSERT_EQ(labels.front(), -100);  // <cls>
    ASSERT_EQ(labels.back(), -100);   // <eos>
    for (size_t i = 0; i < ids.size(); ++i) {
      if (labels[i] == -100) {
        ASSERT_EQ(ids[i], original[i]);
        continue;
      }
      ASSERT_EQ(labels[i], original[i]);
      if (ids[i] == tokenizer.mask_id()) ++masked;
      else if (ids[i] == original[i]) ++unchanged;
      else {
        ++random;
        const auto& bases = tokenizer.nucleotide_ids();
        ASSERT_NE(std::find(bases.begin(), bases.end(), ids[i]), bases.end());
      }
    }
    tokens += 500;
  }
  EXPECT_NEAR(static_cast<double>(selected) / tokens, 0.15, 0.005);
  EXPECT_NEAR(static_cast<double>(masked) / selected, 0.8, 0.01);
  EXPECT_NEAR(static_cast<double>(random) / selected, 0.1, 0.01);
  EXPECT_NEAR(static_cast<double>(unchanged) / selected, 0.1, 0.01);
}

TEST(TrainComponents, PlateauReducesAfterPatience) {
  ReduceLROnPlateau scheduler(PlateauOptions{}, 1e-3);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(scheduler.step(1.0));  // best, then 3 bad epochs: within patience
  EXPECT_TRUE(scheduler.step(1.0));                                // the 4th bad epoch
  EXPECT_DOUBLE_EQ(scheduler.lr(), 1e-4);
  EXPECT_FALSE(scheduler.step(0.99995));  // not better by the relative threshold 1e-4
  EXPECT_FALSE(scheduler.step(0.5));      // better: resets
  const auto state = scheduler.state();
  ReduceLROnPlateau restored(PlateauOptions{}, 0.0);
  restored.restore(state);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(restored.step(0.6), scheduler.step(0.6));
  EXPECT_EQ(restored.lr(), scheduler.lr());
}

TEST(TrainComponents, AdamWStateRoundTripsExactly) {
  const Tokenizer tokenizer = vocabulary26();
  ParameterStore a = ParameterStore::random_init(small_config(tokenizer.size()), 7);
  ParameterStore b = a;
  Rng rng(2);
  auto fill_gradients = [&](ParameterStore& store, uint64_t seed) {
    Rng g(seed);
    for (auto& [name, grad] : store.gradients())
      for (float& x : grad.data) x = static_cast<float>(g.normal());
  };
  AdamW first(AdamWOptions{}), second(AdamWOptions{});
  fill_gradients(a, 1);
  first.step(a, 1e-3);
  second.restore(first.steps(), first.state_tensors(), a, "state");
  b.parameters() = a.parameters();
  fill_gradients(a, 2);
  fill_gradients(b, 2);
  first.step(a, 1e-3);
  second.step(b, 1e-3);
  for (const auto& [name, p] : a.parameters()) EXPECT_EQ(p.data, b.parameters().at(name).data) << name;
}

TEST(TrainComponents, GeneratorStateResumes) {
  Rng a(42);
  for (int i = 0; i < 10; ++i) a.next();
  Rng b(0);
  b.set_state(a.state());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(Rng(1).next(), Rng(2).next());
}

TEST(TrainComponents, SinusoidalPositionsFollowTheTransformerTable) {
  const Tokenizer tokenizer = vocabulary26();
  ParameterStore store = ParameterStore::random_init(small_config(tokenizer.size()), 8);
  const double std_dev = 0.05, amplitude = std_dev * std::sqrt(2.0);
  Tensor& table = store.parameter("model.embeddings.position_embeddings.weight");
  const int64_t rows = table.dim(0), C = table.dim(1);
  ASSERT_GE(rows, 4);
  const float untouched = table.ptr()[0];  // row 0 is before first_row below: kept
  store.set_sinusoidal_positions(1, std_dev);
  EXPECT_EQ(table.ptr()[0], untouched);
  for (int64_t pos : {int64_t{1}, int64_t{3}, rows - 1})
    for (int64_t i = 0; i < C; ++i) {
      const double frequency = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i / 2) / static_cast<double>(C));
      const double want = amplitude * (i % 2 == 0 ? std::sin(pos * frequency) : std::cos(pos * frequency));
      EXPECT_NEAR(table.ptr()[pos * C + i], want, 1e-6) << "row " << pos << " column " << i;
    }
}

// Layer-0 attention logits of a masked query at position i over every key position j, computed here from the
// tables (embedding sum → LayerNorm with the initial weight 1 / bias 0 → query/key rows of head h, no biases).
std::vector<double> local_attention_logits(ParameterStore& store, int mask_id, int64_t i, int64_t head) {
  const ModelConfig& c = store.config();
  const int64_t C = c.hidden_size, D = C / c.num_attention_heads, P = c.max_position_embeddings;
  const float* pos = store.parameter("model.embeddings.position_embeddings.weight").ptr();
  const float* word = store.parameter("model.embeddings.word_embeddings.weight").ptr();
  const float* type = store.parameter("model.embeddings.token_type_embeddings.weight").ptr();
  const float* wq = store.parameter("model.encoder.layer.0.attention.self.query.weight").ptr();
  const float* wk = store.parameter("model.encoder.layer.0.attention.self.key.weight").ptr();
  auto embed = [&](int64_t position, int token) {
    std::vector<double> e(static_cast<size_t>(C));
    double mean = 0, var = 0;
    for (int64_t k = 0; k < C; ++k) mean += e[k] = pos[position * C + k] + word[token * C + k] + type[k];
    mean /= C;
    for (double& x : e) var += (x - mean) * (x - mean);
    for (double& x : e) x = (x - mean) / std::sqrt(var / C + 1e-12);
    return e;
  };
  auto project = [&](const float* w, const std::vector<double>& e) {
    std::vector<double> out(static_cast<size_t>(D));
    for (int64_t r = 0; r < D; ++r)
      for (int64_t k = 0; k < C; ++k) out[r] += w[(head * D + r) * C + k] * e[k];
    return out;
  };
  const auto q = project(wq, embed(i, mask_id));
  std::vector<double> logits;
  for (int64_t j = 0; j < P; ++j) {
    const auto k = project(wk, embed(j, (j * 7) % 4 + 6));  // some nucleotide at each key
    double dot = 0;
    for (int64_t r = 0; r < D; ++r) dot += q[r] * k[r];
    logits.push_back(dot / std::sqrt(static_cast<double>(D)));
  }
  return logits;
}

TEST(TrainComponents, LocalAttentionInitialisationLooksAtItsOffset) {
  const Tokenizer tokenizer = vocabulary26();
  ModelConfig config = small_config(tokenizer.size());
  config.hidden_size = 192;  // 6 heads of 32: 16 sinusoid pairs per head, the default model's recipe
  config.num_attention_heads = 6;
  config.initializer_range = 0.1;
  ParameterStore store = ParameterStore::random_init(config, 9);
  store.set_sinusoidal_positions(0, config.initializer_range);
  const std::vector<int> offsets = {-3, -2, -1, 1, 2, 3};
  store.init_local_attention(offsets, 4.0);
  for (int64_t head = 0; head < 6; ++head)
    for (int64_t i : {int64_t{5}, int64_t{20}, int64_t{33}}) {
      const auto logits = local_attention_logits(store, tokenizer.mask_id(), i, head);
      const int64_t target = i + offsets[static_cast<size_t>(head)];
      const int64_t argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
      EXPECT_EQ(argmax, target) << "head " << head << " query " << i;
      // The neighbours of the target trail it by a clear margin (the requested 4 logits, less the key tokens'
      // scatter), and the far positions by far more.
      EXPECT_GT(logits[target] - logits[target - 1], 1.0) << "head " << head << " query " << i;
      EXPECT_GT(logits[target] - logits[target + 1], 1.0) << "head " << head << " query " << i;
      EXPECT_GT(logits[target] - logits[target + 6], 15.0) << "head " << head << " query " << i;
    }
  // The position-only columns: no word or token-type signal left in them.
  const float* word = store.parameter("model.embeddings.word_embeddings.weight").ptr();
  for (int64_t k = 0; k < 32; ++k) EXPECT_EQ(word[tokenizer.id_of("A") * 192 + k], 0.0f);
}

}  // namespace
}  // namespace splicebert::train
