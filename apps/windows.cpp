// splicebert windows: pre-training / task windows from FASTA, split by chromosome, written as mmap-able token shards.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace {

using namespace splicebert;

struct WindowsArguments {
  std::vector<std::string> inputs, holdout, valid;
  std::string input_list, output, splice_labels, branchpoint_labels, annotation_format = "auto";
  int64_t length = 0, min_length = 0, max_length = 0, stride = 0;
  bool random_offsets = false, no_dedup = false, quiet = false, skip_bad = false;
  uint64_t seed = 1;
  double max_n = 0.1, site_free_share = 1.0;
};

// "SPECIES=PATH", or PATH alone (species = the file name up to its first '.').
genome::WindowInput parse_input(const std::string& text) {
  size_t equals = text.find('=');
  if (equals != std::string::npos && equals > 0) return {text.substr(0, equals), text.substr(equals + 1)};
  std::string stem = std::filesystem::path(text).filename().string();
  return {stem.substr(0, stem.find('.')), text};
}

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t begin = 0;
    while (begin <= value.size()) {
      size_t comma = std::min(value.find(',', begin), value.size());
      if (comma > begin) out.push_back(value.substr(begin, comma - begin));
      begin = comma + 1;
    }
  }
  return out;
}

int run_windows(const WindowsArguments& args) {
  genome::WindowJob job;
  for (const auto& text : args.inputs) job.inputs.push_back(parse_input(text));
  if (!args.input_list.empty()) genome::read_window_input_list(args.input_list, job.inputs);
  if (job.inputs.empty()) fail("no input: give -i SPECIES=FASTA (repeatable) or --input-list TSV");
  if (args.length > 0 && (args.min_length > 0 || args.max_length > 0)) fail("give --length or --min-length/--max-length");
  job.params.min_length = args.length > 0 ? args.length : (args.min_length > 0 ? args.min_length : 510);
  job.params.max_length = args.length > 0 ? args.length : (args.max_length > 0 ? args.max_length : job.params.min_length);
  job.params.stride = args.stride;
  job.params.random_offsets = args.random_offsets;
  job.params.seed = args.seed;
  job.params.max_n_fraction = args.max_n;
  job.params.dedup = !args.no_dedup;
  job.params.site_free_share = args.site_free_share;
  job.holdout = split_commas(args.holdout);
  job.valid = split_commas(args.valid);
  job.output_prefix = args.output;
  job.splice_annotation = args.splice_labels;
  job.annotation_format = genome::parse_annotation_format(args.annotation_format);
  job.branchpoint_bed = args.branchpoint_labels;
  job.command_line = cli::command_line();
  genome::Diagnostics diagnostics(args.skip_bad, args.quiet);
  cli::RateProgress rate(args.quiet, "windows", "nt");
  job.progress = [&rate](size_t records, size_t nucleotides, double done_fraction) {
    rate.update_fraction(static_cast<int64_t>(records), static_cast<int64_t>(nucleotides), done_fraction);
  };
  genome::WindowSummary summary = genome::build_window_shards(job, diagnostics);
  if (!args.quiet) {
    std::fprintf(stderr, "%-16s %-6s %12s %14s\n", "species", "split", "windows", "nucleotides");
    for (size_t s = 0; s < summary.species.size(); ++s) {
      for (size_t split = 0; split < summary.splits.size(); ++split) {
        const auto& c = summary.counts[s][split];
        std::fprintf(stderr, "%-16s %-6s %12zu %14zu\n", summary.species[s].c_str(), summary.splits[split].c_str(),
                     c.windows, c.nucleotides);
      }
    }
    std::fprintf(stderr,
                 "windows: %zu records; dropped %zu over --max-n, %zu duplicates, %zu site-free; shards %s.{train,valid,test}\n",
                 summary.records, summary.too_many_n, summary.duplicates, summary.site_free_dropped, args.output.c_str());
  }
  diagnostics.summary("windows");
  return 0;
}

cli::VerbRegistrar registrar(
    "windows", "cut FASTA (e.g. extract's pre-mRNA) into windows, split by chromosome, written as token shards",
    [](CLI::App& app) {
      auto args = std::make_shared<WindowsArguments>();
      app.add_option("-i,--input", args->inputs, "SPECIES=FASTA (plain/gzip/bgzip; repeatable)");
      app.add_option("--input-list", args->input_list, "TSV of SPECIES<TAB>FASTA lines");
      cli::add_output_prefix_option(app, args->output, "output prefix: PREFIX.{train,valid,test}.{tokens,index,...}");
      app.get_option("--output")->required();
      app.add_option("-l,--length", args->length, "fixed window length (default 510)");
      app.add_option("--min-length", args->min_length, "variable length: shortest window");
      app.add_option("--max-length", args->max_length, "variable length: longest window (uniform in [min, max])");
      app.add_option("--stride", args->stride, "distance between window starts (default 0: tile, each window starts where the last ended)");
      app.add_flag("--random-offsets", args->random_offsets, "start each record at a random phase in [0, stride)");
      app.add_option("--seed", args->seed, "random seed (lengths and offsets)")->capture_default_str();
      app.add_option("--max-n", args->max_n, "drop windows with a larger fraction of non-ACGTU bases")
          ->check(CLI::Range(0.0, 1.0))
          ->capture_default_str();
      app.add_flag("--no-dedup", args->no_dedup, "keep identical windows (default: kept once)");
      app.add_option("--holdout", args->holdout, "test chromosomes: CHROM or SPECIES:CHROM, comma-separated");
      app.add_option("--valid", args->valid, "validation chromosomes: CHROM or SPECIES:CHROM, comma-separated");
      app.add_option("--splice-labels", args->splice_labels, "annotation (GTF/GFF3/BED12): per-base splice-site labels");
      app.add_option("--format", args->annotation_format, "format of the --splice-labels annotation")
          ->check(CLI::IsMember({"auto", "gtf", "gff3", "gff", "bed"}))
          ->capture_default_str();
      app.add_option("--site-free-share", args->site_free_share,
                     "with --splice-labels: keep this share of windows holding no acceptor or donor (default 1: all)")
          ->check(CLI::Range(0.0, 1.0));
      app.add_option("--branchpoint-labels", args->branchpoint_labels, "Mercer branchpoint BED: per-base labels");
      cli::add_quiet_option(app, args->quiet);
      cli::add_skip_bad_option(app, args->skip_bad);
      return [args] { return run_windows(*args); };
    });

}  // namespace
