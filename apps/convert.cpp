// splicebert convert -i DIR -o DIR [--vocab 26|28|FILE]: original SpliceBERT folder -> MultiMolecule folder, or back.
#include "cli.hpp"
#include "splicebert/convert.hpp"

namespace splicebert::cli {
namespace {

struct ConvertCliOptions {
  std::string input, output;
  ConvertOptions convert;
};

VerbRegistrar registrar("convert", "convert a checkpoint between the original and MultiMolecule layouts",
                        [](CLI::App& app) {
  auto o = std::make_shared<ConvertCliOptions>();
  add_input_option(app, o->input, "input model folder");
  add_output_folder_option(app, o->output, "output model folder (must not exist or be empty)");
  app.get_option("--input")->required();
  app.get_option("--output")->required();
  app.add_option("--vocab", o->convert.vocab, "target vocabulary: 26 (published hub files), 28 (current) or a file")
      ->capture_default_str();
  app.add_option("--seed", o->convert.seed, "seed for rows of new tokens without a counterpart")->capture_default_str();
  return [o] {
    convert_checkpoint(o->input, o->output, o->convert);
    return 0;
  };
});

}  // namespace
}  // namespace splicebert::cli
