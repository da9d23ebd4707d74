// splicebert merge -o OUT SHARD1 SHARD2 ...: the outputs of `--shard 1/N` ... `--shard N/N` laid end to end, equal
// to the unsharded output but for the provenance (docs/scale-out.md). VCF/BCF shards go through bcftools concat.
#include "cli.hpp"
#include "splicebert/shard.hpp"

namespace splicebert::cli {
namespace {

VerbRegistrar registrar("merge", "join --shard outputs (npz, bedGraph, BED, TSV) into the unsharded output",
                        [](CLI::App& app) {
  auto output = std::make_shared<std::string>();
  auto inputs = std::make_shared<std::vector<std::string>>();
  add_output_option(app, *output, "merged output (its kind follows the name: .npz, else text)");
  app.get_option("--output")->required();
  app.add_option("shards", *inputs, "shard outputs in shard order (1/N first)")->required()->check(CLI::ExistingFile);
  return [output, inputs] {
    merge_shard_outputs(*inputs, *output);
    return 0;
  };
});

}  // namespace
}  // namespace splicebert::cli
