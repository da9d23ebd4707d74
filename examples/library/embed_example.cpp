// Mean-pooled embedding of one pre-mRNA fragment with the model installed beside the library (or argv[1]).
#include <cstdio>

#include <splicebert/model.hpp>
#include <splicebert/pipelines.hpp>

int main(int argc, char** argv) {
  const char* folder = argc > 1 ? argv[1] : SPLICEBERT_MODEL_DIR;
  auto model = splicebert::Model::load(folder);  // read-only, shareable across threads
  splicebert::Session session(model);            // per-thread buffers
  auto ids = model->tokenizer().encode("GUAAGUACUUAUCAGACUGAUGUUGAUAGCUUAUCAG", /*add_special=*/false).ids;
  auto embeddings = splicebert::embed(session, {ids}, {.pooling = splicebert::Pooling::Mean});
  const splicebert::Tensor& pooled = embeddings[0].pooled;
  std::printf("%s: pooled vector of %lld values, first %.6f\n", folder, static_cast<long long>(pooled.numel()),
              pooled.data[0]);
  return 0;
}
