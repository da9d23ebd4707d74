// splicebert extract: sequences of annotated features, byte-identical to `bedtools getfasta -s -name [-split]`.
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace {

using namespace splicebert;

struct ExtractArguments {
  std::string fasta, annotation, format = "auto", feature = "transcript", order = "auto", output = "-", ids;
  std::vector<std::string> regions;
  bool split = false, upper = false, quiet = false, skip_bad = false;
  int threads = 1;
};

// --ids takes a file (one ID per line, first word) or a comma-separated list.
std::unordered_set<std::string> read_ids(const std::string& value) {
  std::unordered_set<std::string> ids;
  std::error_code ec;
  if (std::filesystem::is_regular_file(value, ec)) {
    std::ifstream in(value);
    std::string line;
    while (std::getline(in, line)) {
      size_t begin = line.find_first_not_of(" \t\r");
      if (begin == std::string::npos || line[begin] == '#') continue;
      ids.insert(line.substr(begin, line.find_first_of(" \t\r", begin) - begin));
    }
    return ids;
  }
  size_t begin = 0;
  while (begin <= value.size()) {
    size_t comma = value.find(',', begin);
    if (comma == std::string::npos) comma = value.size();
    if (comma > begin) ids.insert(value.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return ids;
}

int run_extract(const ExtractArguments& args) {
  genome::Diagnostics diagnostics(args.skip_bad, args.quiet);
  genome::ExtractOptions options;
  options.feature = genome::parse_feature_kind(args.feature);
  options.split = args.split;
  options.upper = args.upper;
  options.order = args.order == "input"    ? genome::OutputOrder::input
                  : args.order == "sorted" ? genome::OutputOrder::sorted
                                           : genome::OutputOrder::automatic;
  options.threads = args.threads <= 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : args.threads;
  if (!args.ids.empty()) {
    options.ids = read_ids(args.ids);
    if (options.ids.empty()) fail("--ids ", args.ids, ": no IDs given");
  }
  genome::Reference reference(args.fasta, 4u << 20, options.threads);
  for (const auto& text : args.regions) options.regions.push_back(genome::parse_region(text, &reference));
  auto annotation = genome::open_annotation(args.annotation, genome::parse_annotation_format(args.format), diagnostics);
  cli::RateProgress rate(args.quiet, "extract", "nt");
  options.progress = [&rate](size_t records, size_t bases, double done_fraction) {
    rate.update_fraction(static_cast<int64_t>(records), static_cast<int64_t>(bases), done_fraction);
  };
  genome::ExtractStats stats = genome::extract_sequences(reference, *annotation, options, args.output, diagnostics);
  cli::Progress progress{args.quiet};
  progress.message("extract: " + std::to_string(stats.records) + " records, " + std::to_string(stats.bases) +
                   " nt from " + std::to_string(stats.transcripts) + " " +
                   genome::annotation_format_name(annotation->format()) + " transcripts");
  diagnostics.summary("extract");
  return 0;
}

cli::VerbRegistrar registrar(
    "extract", "sequences of transcripts (pre-mRNA), genes, exons, introns or spliced mRNA from FASTA + annotation",
    [](CLI::App& app) {
      auto args = std::make_shared<ExtractArguments>();
      cli::add_fasta_option(app, args->fasta);
      app.get_option("-f")->required();
      cli::add_annotation_option(app, args->annotation, args->format);
      app.get_option("-a")->required();
      cli::add_feature_option(app, args->feature);
      app.add_flag("--split", args->split, "spliced mRNA: join the exons / BED12 blocks (= bedtools -split)");
      app.add_flag("--upper", args->upper, "upper-case the output (drop soft-masking)");
      app.add_option("-r,--region", args->regions, "only features overlapping CHROM[:BEG-END] (1-based; repeatable)");
      app.add_option("--ids", args->ids, "only these transcript / gene IDs: a file (one per line) or ID,ID,...");
      app.add_option("--order", args->order, "record order: auto = input for BED, sorted for GTF/GFF3")
          ->check(CLI::IsMember({"auto", "input", "sorted"}))
          ->capture_default_str();
      cli::add_output_option(app, args->output, "output FASTA (- = stdout; *.gz = bgzip)");
      cli::add_threads_option(app, args->threads);
      cli::add_quiet_option(app, args->quiet);
      cli::add_skip_bad_option(app, args->skip_bad);
      return [args] { return run_extract(*args); };
    });

}  // namespace
