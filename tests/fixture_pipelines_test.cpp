// The pipelines and their CLI verbs on the tiny fixture model: embed output read back and compared with the library,
// fill-mask JSON checked against probabilities computed here from the logits, long inputs windowed and stitched,
// and one Model shared by several threads.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "splicebert/convert.hpp"
#include "splicebert/pipelines.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using nlohmann::json;

std::string tiny_mm() { return test::fixtures_dir() + "/tiny/checkpoint-multimolecule"; }

std::string random_rna(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "ACGU"[rng() % 4];
  return s;
}

TEST(EmbedCli, NpzReadBackEqualsLibrary) {
  test::TempDir dir;
  const std::string a = random_rna(90, 1), b = random_rna(300, 2);
  std::ofstream(dir / "in.fa") << ">a\n" << a.substr(0, 45) << "\n" << a.substr(45) << "\n>b\n" << b << "\n";
  auto r = test::run_cli("embed -q -m " + test::shell_quote(tiny_mm()) + " -i " + test::shell_quote(dir / "in.fa") +
                         " -o " + test::shell_quote(dir / "out.npz") +
                         " --layers all --pool mean --logits --window 100 --stride 60");
  ASSERT_EQ(r.status, 0) << r.err;
  auto npz = read_npz(dir / "out.npz");
  auto model = Model::load(tiny_mm(), {.require_lm_head = true});
  Session session(model);
  const Tokenizer& tok = model->tokenizer();
  auto expected = embed(session, {tok.encode(a, false).ids, tok.encode(b, false).ids},
                        {.all_layers = true, .pooling = Pooling::Mean, .logits = true, .window = 100, .stride = 60});
  const char* names[] = {"a", "b"};
  for (int r_i = 0; r_i < 2; ++r_i) {
    const std::string p = std::string(names[r_i]) + "/";
    const Embedding& e = expected[static_cast<size_t>(r_i)];
    for (auto [key, tensor] : {std::pair{"last_hidden_state", &e.last_hidden_state},
                               std::pair{"hidden_states", &e.hidden_states}, std::pair{"pooled", &e.pooled},
                               std::pair{"logits", &e.logits}}) {
      ASSERT_TRUE(npz.count(p + key)) << p + key;
      Tensor got = npz.at(p + key).to_float();
      EXPECT_EQ(got.shape, tensor->shape) << p + key;
      EXPECT_EQ(got.data, tensor->data) << p + key;
    }
  }
  EXPECT_EQ(npz.at("a/last_hidden_state").shape, (Shape{90, model->config().hidden_size}));
  // Provenance: tool, command line and the model's checksum.
  ASSERT_TRUE(npz.count("__provenance__"));
  const auto& bytes = npz.at("__provenance__").bytes;
  json provenance = json::parse(std::string(bytes.begin(), bytes.end()));
  EXPECT_EQ(provenance["model_sha256"], sha256_file_hex(tiny_mm() + "/model.safetensors"));
  EXPECT_NE(provenance["command"].get<std::string>().find("--layers all"), std::string::npos);
}

TEST(EmbedCli, NumpyReadsTheNpz) {
  test::TempDir dir;
  std::ofstream(dir / "in.fa") << ">x\n" << random_rna(70, 3) << "\n";
  ASSERT_EQ(test::run_cli("embed -q -m " + test::shell_quote(tiny_mm()) + " -i " + test::shell_quote(dir / "in.fa") +
                          " -o " + test::shell_quote(dir / "out.npz"))
                .status,
            0);
  auto r = test::run_shell("/usr/bin/python3 -c \"import numpy; z = numpy.load('" + dir / "out.npz" +
                           "'); print(z['x/last_hidden_state'].shape)\"");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "(70, " + std::to_string(Model::load(tiny_mm())->config().hidden_size) + ")\n");
}

TEST(FillMaskCli, JsonMatchesSoftmaxOfLogits) {
  const std::string text = random_rna(40, 4) + "<mask>" + random_rna(40, 5);
  auto r = test::run_cli("fill-mask -q --json -k 4 -m " + test::shell_quote(tiny_mm()) + " " + test::shell_quote(text));
  ASSERT_EQ(r.status, 0) << r.err;
  json candidates = json::parse(r.out);
  ASSERT_EQ(candidates.size(), 4u);
  auto model = Model::load(tiny_mm(), {.require_lm_head = true});
  Session session(model);
  auto ids = model->tokenizer().encode(text).ids;
  auto out = session.forward(make_batch({ids}, 0), {.mlm_logits = true});
  const int64_t V = model->config().vocab_size, position = 41;  // <cls> + 40 nucleotides
  ASSERT_EQ(ids[position], model->tokenizer().mask_id());
  std::vector<double> p(static_cast<size_t>(V));
  double sum = 0;
  for (int64_t v = 0; v < V; ++v) sum += p[v] = std::exp(double(out.mlm_logits.data[position * V + v]));
  double previous = 1;
  for (const auto& c : candidates) {
    const int token = c["token"];
    EXPECT_NEAR(c["score"].get<double>(), p[token] / sum, 1e-6);
    EXPECT_LE(c["score"].get<double>(), previous);
    previous = c["score"];
    EXPECT_EQ(c["token_str"], model->tokenizer().token(token));
    // The sequence has the candidate at the mask position, space-separated, no special tokens around it.
    std::string seq = c["sequence"];
    EXPECT_EQ(seq.size(), 2 * (ids.size() - 2) - 2 + c["token_str"].get<std::string>().size());
  }
}

// fixtures/README.md: with converted checkpoints IUPAC rows are means of base rows, so p(W)/p(A) = sqrt(p(U)/p(A)).
TEST(FillMaskCli, ConvertedIupacRowsAreBaseMeans) {
  test::TempDir dir;
  ASSERT_EQ(test::run_cli("convert -i " + test::shell_quote(test::fixtures_dir() + "/tiny/checkpoint-original") +
                          " -o " + test::shell_quote(dir / "mm") + " --vocab 28")
                .status,
            0);
  auto r = test::run_cli("fill-mask -q --json -k 100 -m " + test::shell_quote(dir / "mm") + " " +
                         test::shell_quote(random_rna(30, 6) + "<mask>" + random_rna(30, 7)));
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, double> p;
  for (const auto& c : json::parse(r.out)) p[c["token_str"]] = c["score"];
  ASSERT_TRUE(p.count("W") && p.count("A") && p.count("U"));
  EXPECT_NEAR(p["W"] / p["A"], std::sqrt(p["U"] / p["A"]), 1e-5);
}

TEST(Windows, CentreOfEachWindowEqualsADirectRun) {
  auto model = Model::load(tiny_mm());
  Session session(model);
  const Tokenizer& tok = model->tokenizer();
  const std::string seq = random_rna(5000, 8);
  const auto ids = tok.encode(seq, false).ids;
  const int64_t window = model->config().max_position_embeddings - 2, stride = window - 128;
  auto stitched = embed(session, {ids}, {}).at(0);
  EXPECT_EQ(stitched.windows, static_cast<int64_t>(plan_windows(5000, window, stride).size()));
  const int64_t C = model->config().hidden_size;
  for (const Window& w : plan_windows(5000, window, stride)) {
    std::vector<int32_t> slice(ids.begin() + w.start, ids.begin() + w.start + w.length);
    auto direct = embed(session, {slice}, {}).at(0);
    const int64_t centre = w.length / 2;
    EXPECT_LE(test::max_abs_diff(stitched.last_hidden_state.ptr() + (w.start + centre) * C,
                                 direct.last_hidden_state.ptr() + centre * C, C),
              1e-5);
  }
}

TEST(Session, OneModelServesSeveralThreads) {
  auto model = Model::load(tiny_mm(), {.require_lm_head = true});
  const Tokenizer& tok = model->tokenizer();
  std::vector<Batch> batches;
  std::vector<ForwardOutput> alone;
  for (uint32_t i = 0; i < 4; ++i) {
    batches.push_back(make_batch({tok.encode(random_rna(50 + 30 * i, 10 + i)).ids,
                                  tok.encode(random_rna(20 + 7 * i, 20 + i)).ids},
                                 tok.pad_id()));
    Session session(model);
    alone.push_back(session.forward(batches.back(), {.mlm_logits = true}));
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(batches.size(), 0);
  for (size_t i = 0; i < batches.size(); ++i)
    threads.emplace_back([&, i] {
      Session session(model);
      for (int repeat = 0; repeat < 5; ++repeat) {
        auto out = session.forward(batches[i], {.mlm_logits = true});
        if (test::max_abs_diff(out.mlm_logits.ptr(), alone[i].mlm_logits.ptr(), out.mlm_logits.data.size()) > 1e-6)
          ++mismatches[i];
      }
    });
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace splicebert

namespace splicebert {
namespace {

TEST(EmbedCli, SafetensorsAndNpyOutputs) {
  test::TempDir dir;
  const std::string seq = random_rna(80, 12);
  std::ofstream(dir / "in.fa") << ">only\n" << seq << "\n";
  const std::string base = "embed -q -m " + test::shell_quote(tiny_mm()) + " -i - -o ";
  auto r = test::run_cli(base + test::shell_quote(dir / "out.safetensors") + " --pool max", ">only\n" + seq + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  auto st = read_safetensors(dir / "out.safetensors");
  ASSERT_TRUE(st.tensors.count("only/last_hidden_state"));
  ASSERT_TRUE(st.tensors.count("only/pooled"));
  EXPECT_EQ(st.metadata.at("model_sha256"), sha256_file_hex(tiny_mm() + "/model.safetensors"));
  // max pooling: every channel of `pooled` is the column maximum of the per-nucleotide rows
  const Tensor& rows = st.tensors.at("only/last_hidden_state");
  const Tensor& pooled = st.tensors.at("only/pooled");
  for (int64_t c = 0; c < pooled.numel(); ++c) {
    float best = -INFINITY;
    for (int64_t i = 0; i < rows.dim(0); ++i) best = std::max(best, rows.data[i * rows.dim(1) + c]);
    EXPECT_EQ(pooled.data[c], best);
  }
  r = test::run_cli(base + test::shell_quote(dir / "out.npy") + " --keep-special", ">only\n" + seq + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  Tensor npy = read_npy(dir / "out.npy").to_float();
  EXPECT_EQ(npy.shape, (Shape{static_cast<int64_t>(seq.size()) + 2, rows.dim(1)}));
  // With --keep-special the nucleotide rows are the same as without it, shifted by the <cls> row.
  for (int64_t i = 0; i < rows.dim(0); ++i)
    for (int64_t c = 0; c < rows.dim(1); ++c)
      ASSERT_EQ(npy.data[(i + 1) * rows.dim(1) + c], rows.data[i * rows.dim(1) + c]);
}

}  // namespace
}  // namespace splicebert
