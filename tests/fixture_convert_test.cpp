// `convert` against the fixture's own conversion: checkpoint-original -> MultiMolecule, compared tensor by tensor with
// checkpoint-multimolecule, and back. Target vocabulary = the fixture's MultiMolecule vocab.txt.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "model/tensor_names.hpp"
#include "splicebert/convert.hpp"
#include "splicebert/model.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

std::string tiny(const std::string& relative) { return test::fixtures_dir() + "/tiny/" + relative; }

// What the fixture README says each target row is made of (written here independently of the converter).
enum class RowKind { Copied, Mean, Random };
RowKind row_kind(const std::string& token, const Tokenizer& original) {
  static const std::map<std::string, std::string> renamed = {{"<pad>", "[PAD]"}, {"<cls>", "[CLS]"},
                                                             {"<eos>", "[SEP]"}, {"<unk>", "[UNK]"},
                                                             {"<mask>", "[MASK]"}, {"U", "T"}};
  static const std::set<std::string> iupac = {"R", "Y", "S", "W", "K", "M", "B", "D", "H", "V", "X"};
  if (original.id_of(token) >= 0 || (renamed.count(token) && original.id_of(renamed.at(token)) >= 0))
    return RowKind::Copied;
  return iupac.count(token) ? RowKind::Mean : RowKind::Random;
}

// |a - b| in units in the last place of b.
double ulps(float a, float b) {
  if (a == b) return 0;
  return std::fabs(double(a) - double(b)) / std::fabs(std::nextafter(b, INFINITY) - b);
}

TEST(Convert, OriginalToMultiMoleculeMatchesFixture) {
  test::TempDir dir;
  auto result = test::run_cli("convert -i " + test::shell_quote(tiny("checkpoint-original")) + " -o " +
                              test::shell_quote(dir / "mm") + " --vocab " +
                              test::shell_quote(tiny("checkpoint-multimolecule/vocab.txt")));
  ASSERT_EQ(result.status, 0) << result.err;
  TensorMap got = read_safetensors(dir / "mm/model.safetensors").tensors;
  TensorMap want = read_safetensors(tiny("checkpoint-multimolecule/model.safetensors")).tensors;
  ASSERT_EQ(got.size(), want.size());
  Tokenizer target = Tokenizer::from_vocab_file(tiny("checkpoint-multimolecule/vocab.txt"));
  Tokenizer original = Tokenizer::from_vocab_file(tiny("checkpoint-original/vocab.txt"));
  EXPECT_EQ(Tokenizer::from_vocab_file(dir / "mm/vocab.txt").tokens(), target.tokens());
  int mean_rows = 0, random_rows = 0;
  for (const auto& [name, w] : want) {
    ASSERT_TRUE(got.count(name)) << name;
    const Tensor& g = got.at(name);
    ASSERT_EQ(g.shape, w.shape) << name;
    const bool by_token = name == "model.embeddings.word_embeddings.weight" || name == "lm_head.bias";
    const int64_t row_size = by_token ? w.numel() / w.dim(0) : w.numel();
    for (int64_t i = 0; i < w.numel(); ++i) {
      RowKind kind = by_token ? row_kind(target.token(static_cast<int>(i / row_size)), original) : RowKind::Copied;
      if (kind == RowKind::Random) continue;  // drawn from PyTorch's generator in the fixture: not reproducible
      if (kind == RowKind::Mean) ASSERT_LE(ulps(g.data[i], w.data[i]), 1.0) << name << "[" << i << "]";
      else ASSERT_EQ(g.data[i], w.data[i]) << name << "[" << i << "]";
    }
  }
  for (int v = 0; v < target.size(); ++v) {
    RowKind kind = row_kind(target.token(v), original);
    mean_rows += kind == RowKind::Mean;
    random_rows += kind == RowKind::Random;
  }
  EXPECT_GT(mean_rows, 0);
  // The converted folder loads and runs like the fixture's.
  auto model = Model::load(dir / "mm", {.require_lm_head = true});
  EXPECT_EQ(model->config().layout, Layout::MultiMolecule);
  EXPECT_EQ(model->config().vocab_size, target.size());
}

TEST(Convert, MultiMoleculeBackToOriginalRestoresTensors) {
  test::TempDir dir;
  auto result = test::run_cli("convert -i " + test::shell_quote(tiny("checkpoint-multimolecule")) + " -o " +
                              test::shell_quote(dir / "orig"));
  ASSERT_EQ(result.status, 0) << result.err;
  TensorMap back = read_torch_checkpoint(dir / "orig/pytorch_model.bin");
  TensorMap want = read_torch_checkpoint(tiny("checkpoint-original/pytorch_model.bin"));
  size_t compared = 0;
  for (const auto& [name, w] : want) {
    if (!canonical_tensor_name(name)) continue;  // tied copies and position_ids
    ASSERT_TRUE(back.count(name)) << name;
    ASSERT_EQ(back.at(name).shape, w.shape) << name;
    ASSERT_EQ(back.at(name).data, w.data) << name;
    ++compared;
  }
  EXPECT_EQ(compared, back.size());
  EXPECT_EQ(Model::load(dir / "orig")->config().layout, Layout::Original);
}

TEST(Convert, RefusesToOverwriteAFolder) {
  test::TempDir dir;
  std::ofstream(dir / "keep.txt") << "user data";
  auto result = test::run_cli("convert -i " + test::shell_quote(tiny("checkpoint-original")) + " -o " +
                              test::shell_quote(dir.path));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("not empty"), std::string::npos) << result.err;
  EXPECT_EQ(read_file_text(dir / "keep.txt"), "user data");
}

}  // namespace
}  // namespace splicebert
