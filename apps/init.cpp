// splicebert init -o DIR [--layers …]: a randomly initialised (untrained) model folder in the MultiMolecule layout,
// the starting point for pre-training from scratch and the small model the repository ships until a trained one
// exists. Weights come from the documented base-checkpoint generator (base_checkpoint.hpp), so they are
// reproducible in any language.
#include "cli.hpp"
#include "splicebert/base_checkpoint.hpp"

namespace splicebert::cli {
namespace {

VerbRegistrar registrar("init", "write a randomly initialised (untrained) model folder", [](CLI::App& app) {
  auto spec = std::make_shared<BaseCheckpointSpec>();
  auto output = std::make_shared<std::string>();
  add_output_folder_option(app, *output, "model folder to write");
  app.get_option("--output")->required();
  app.add_option("--seed", spec->seed, "generator seed")->capture_default_str();
  app.add_option("--layers", spec->layers, "encoder layers")->capture_default_str();
  app.add_option("--hidden", spec->hidden, "hidden size")->capture_default_str();
  app.add_option("--heads", spec->heads, "attention heads")->capture_default_str();
  app.add_option("--intermediate", spec->intermediate, "feed-forward size")->capture_default_str();
  app.add_option("--max-positions", spec->max_positions, "position embeddings (nucleotides + 2)")
      ->capture_default_str();
  return [spec, output] {
    write_base_checkpoint(*output, *spec);
    return 0;
  };
});

}  // namespace
}  // namespace splicebert::cli
