// The task-head goldens (the tiny-heads fixture folder): for every case of the manifest, the tokenizer against the
// stored ids, the logits of the inference head path and of the training path by the manifest's compare rule, the
// loss from labels.npy, and every grad/<name>.npy. Names, shapes and tolerances come from the manifest and the files,
// so any fixture folder of the same format works.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "splicebert/heads.hpp"
#include "splicebert/model.hpp"
#include "splicebert/train.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using nlohmann::json;

std::string heads_dir() { return test::fixtures_dir() + "/tiny-heads"; }
const json& manifest() {
  static const json m = test::load_manifest("tiny-heads");
  return m;
}
double atol(const std::string& file) {
  const json& files = manifest()["files"];
  if (!files.contains(file) || !files[file].contains("tolerance"))
    throw std::runtime_error("tiny-heads manifest: no tolerance for " + file);
  return files[file]["tolerance"]["atol"].get<double>();
}

struct CaseData {
  std::string name;
  std::shared_ptr<const Model> model;
  Batch batch;
  std::vector<int64_t> nucleotides;  // [B] n_b = real tokens − 2
  Tensor labels, expected_logits;
  double expected_loss = 0;
};

CaseData load_case(const json& entry) {
  CaseData d;
  d.name = entry["name"].get<std::string>();
  const std::string dir = heads_dir() + "/" + d.name;
  d.model = Model::load(dir + "/checkpoint-multimolecule");
  IntTensor ids = read_npy(dir + "/inputs/input_ids.npy").to_int64();
  IntTensor mask = read_npy(dir + "/inputs/attention_mask.npy").to_int64();
  d.batch.batch = ids.shape.at(0);
  d.batch.tokens = ids.shape.at(1);
  for (int64_t v : ids.data) d.batch.input_ids.push_back(static_cast<int32_t>(v));
  for (int64_t v : mask.data) d.batch.attention_mask.push_back(static_cast<uint8_t>(v != 0));
  for (int64_t b = 0; b < d.batch.batch; ++b) d.nucleotides.push_back(d.batch.real_tokens(b) - 2);
  d.labels = read_npy(dir + "/labels.npy").to_float();
  d.expected_logits = read_npy(dir + "/expected/logits.npy").to_float();
  d.expected_loss = read_npy(dir + "/expected/loss.npy").to_float().data.at(0);
  return d;
}

// Max |got − expected| over the compared entries: every entry for the sequence head, the real nucleotides (token)
// or real nucleotide pairs (contact) otherwise (manifest `compare`).
double logits_error(const CaseData& d, const Tensor& got) {
  EXPECT_EQ(got.shape, d.expected_logits.shape) << d.name;
  if (got.shape != d.expected_logits.shape) return INFINITY;
  const HeadKind kind = d.model->config().head.kind;
  if (kind == HeadKind::Sequence) return test::max_abs_diff(got.ptr(), d.expected_logits.ptr(), got.data.size());
  const int64_t B = got.dim(0), L = got.dim(1), n = got.shape.back();
  double worst = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < d.nucleotides[b]; ++i) {
      const int64_t columns = kind == HeadKind::Contact ? d.nucleotides[b] : 1;
      for (int64_t j = 0; j < columns; ++j) {
        const int64_t offset = kind == HeadKind::Contact ? ((b * L + i) * L + j) * n : (b * L + i) * n;
        worst = std::max(worst, test::max_abs_diff(&got.data[offset], &d.expected_logits.data[offset],
                                                   static_cast<size_t>(n)));
      }
    }
  return worst;
}

std::vector<json> cases() {
  std::vector<json> list;
  for (const json& entry : manifest()["cases"]) list.push_back(entry);
  return list;
}

TEST(FixtureHeads, ManifestListsCases) {
  ASSERT_FALSE(cases().empty());
  for (const json& entry : cases()) {
    const std::string head = entry["head"].get<std::string>();
    EXPECT_TRUE(manifest()["compare"].contains(head)) << "no compare rule for head " << head;
  }
}

TEST(FixtureHeads, TokenizerMatchesStoredIds) {
  for (const json& entry : cases()) {
    const CaseData d = load_case(entry);
    const Tokenizer& tokenizer = d.model->tokenizer();
    const auto& texts = entry["texts"];
    ASSERT_EQ(static_cast<int64_t>(texts.size()), d.batch.batch) << d.name;
    for (int64_t b = 0; b < d.batch.batch; ++b) {
      std::vector<int32_t> ids = tokenizer.encode(texts[b].get<std::string>()).ids;
      ids.resize(static_cast<size_t>(d.batch.tokens), tokenizer.pad_id());
      const std::vector<int32_t> stored(d.batch.input_ids.begin() + b * d.batch.tokens,
                                        d.batch.input_ids.begin() + (b + 1) * d.batch.tokens);
      EXPECT_EQ(ids, stored) << d.name << " row " << b;
    }
  }
}

TEST(FixtureHeads, InferenceLogitsAndLossMatchGoldens) {
  for (const json& entry : cases()) {
    const CaseData d = load_case(entry);
    Session session(d.model);
    const ForwardOutput& out = session.forward(d.batch, head_forward_options(d.model->config()));
    const Tensor logits = head_logits(*d.model, d.batch, out);
    const double logits_err = logits_error(d, logits);
    const HeadLoss loss = head_loss(d.model->config().head.problem_type, logits, d.labels);
    const double loss_err = std::fabs(loss.loss - d.expected_loss);
    std::cout << d.name << " inference: logits max|err| " << logits_err << " (atol "
              << atol(d.name + "/expected/logits.npy") << "), loss max|err| " << loss_err << " (atol "
              << atol(d.name + "/expected/loss.npy") << ")\n";
    EXPECT_LE(logits_err, atol(d.name + "/expected/logits.npy")) << d.name;
    EXPECT_LE(loss_err, atol(d.name + "/expected/loss.npy")) << d.name;
    if (entry.contains("labelled_entries")) EXPECT_EQ(loss.kept, entry["labelled_entries"].get<int64_t>()) << d.name;
  }
}

TEST(FixtureHeads, TrainingLogitsLossAndEveryGradientMatchGoldens) {
  for (const json& entry : cases()) {
    const CaseData d = load_case(entry);
    train::ParameterStore store(d.model->config(), d.model->named_tensors(), d.model->source());
    train::TrainingSession session(store, d.model->tokenizer());
    store.zero_gradients();
    const train::HeadStep step = session.head_forward_backward({d.batch, d.labels, {}}, {}, 1.0);
    const double logits_err = logits_error(d, step.logits);
    const double loss_err = std::fabs(step.loss - d.expected_loss);
    EXPECT_LE(logits_err, atol(d.name + "/expected/logits.npy")) << d.name;
    EXPECT_LE(loss_err, atol(d.name + "/expected/loss.npy")) << d.name;

    const std::string prefix = d.name + "/grad/";
    size_t files = 0;
    double worst = 0, worst_ratio = 0;
    std::string worst_name;
    for (const auto& [file, info] : manifest()["files"].items()) {
      if (!file.starts_with(prefix)) continue;
      ++files;
      const std::string name = file.substr(prefix.size(), file.size() - prefix.size() - 4);
      const Tensor expected = read_npy(heads_dir() + "/" + file).to_float();
      const Tensor& got = store.gradient(name);
      ASSERT_EQ(got.shape, expected.shape) << d.name << " " << name;
      const double error = test::max_abs_diff(got.ptr(), expected.ptr(), expected.data.size());
      EXPECT_LE(error, atol(file)) << d.name << " " << name;
      if (error / atol(file) > worst_ratio) worst_ratio = error / atol(file), worst = error, worst_name = name;
    }
    EXPECT_EQ(files, store.gradients().size()) << d.name << ": the fixture and the store disagree on the parameters";
    std::cout << d.name << " training: logits max|err| " << logits_err << ", loss max|err| " << loss_err
              << ", gradients max|err| " << worst << " (" << worst_name << ", " << worst_ratio
              << " of its atol) over " << files << " tensors\n";
  }
}

}  // namespace
}  // namespace splicebert
