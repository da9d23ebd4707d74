// splicebert predict -m FINETUNED (-i IN.fa | -f GENOME -a REGIONS): a fine-tuned head over FASTA records or over
// genomic regions (docs/finetuning.md, "Predict"). Token heads: per-nucleotide scores as bedGraph and called sites
// (score ≥ --threshold) as BED6, on genome coordinates when names are bedtools-style NAME::CHROM:START-END(STRAND)
// (minus strand: nucleotide i sits at END − 1 − i), else on the record (chrom = name, 0-based offsets); records
// longer than the model are windowed and stitched. Sequence heads: scores as TSV. Contact heads: logits [L, L, n]
// per record in an npz. A splice-site model (3-channel token head: no_splice, acceptor, donor) is a site caller
// (docs/splice-sites.md): -o is the BED6 of called sites (both channels, merged over overlapping records) or, with
// --json, the sites per record; --tracks PREFIX writes one track per channel and strand (bedGraph, --bgzip, --bigwig).
#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/task_model.hpp"
#include "splicebert/io.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/splice_deltas.hpp"
#include "splicebert/splice_sites.hpp"

namespace splicebert::cli {
namespace {

struct PredictOptions {
  std::string model, input, output, bedgraph, bed, tsv, npz;
  std::string fasta, annotation, format = "auto", feature = "transcript";  // genome mode: -f + -a
  std::string shard;
  std::string tracks;                       // splice-site model: track files PREFIX.<channel>.<strand>.*
  bool json = false, bgzip = false, bigwig = false, no_track_line = false;
  Precision precision = Precision::F32;
  double threshold = 0.5;
  int score_class = -1, threads = 0;  // −1: class 1 for two or more labels, else 0
  int64_t window = 0, stride = 0, max_tokens = 16384;
  bool quiet = false, skip_bad = false;
};

// Genome mode: the annotation's features extracted strand-aware (as `splicebert extract`, bedtools-style names) into
// a private temporary FASTA, removed when the run ends.
struct ExtractedRegions {
  TemporaryFolder folder{"the extracted regions"};
  std::string fasta = folder.path() + "/regions.fa";
  explicit ExtractedRegions(const PredictOptions& o) {
    genome::Diagnostics diagnostics(o.skip_bad, o.quiet);
    genome::Reference reference(o.fasta);
    auto annotation = genome::open_annotation(o.annotation, genome::parse_annotation_format(o.format), diagnostics);
    genome::ExtractOptions options;
    options.feature = genome::parse_feature_kind(o.feature);
    options.upper = true;
    genome::extract_sequences(reference, *annotation, options, fasta, diagnostics);
    diagnostics.summary("predict");
  }
};

struct Outputs {
  std::ostringstream bedgraph, bed, tsv;
  NpzWriter npz;
};

// A splice-site model's outputs, gathered over all records and written at the end.
struct SpliceOutputs {
  variant::SpliceSiteTracks tracks;
  nlohmann::json records = nlohmann::json::array();
  void add(const FastaRecord& record, const Tensor& logits, const PredictOptions& o) {
    const std::vector<float> p = variant::splice_probabilities_from_logits(logits);
    const auto origin = genome::parse_sequence_origin(record.name, static_cast<int64_t>(record.sequence.size()));
    const char strand = origin.from_header && origin.strand == '-' ? '-' : '+';
    const int64_t start = origin.from_header ? origin.start : 0;
    tracks.add(origin.from_header ? origin.chrom : record.name, start, strand, p);
    if (o.json)
      records.push_back(variant::splice_site_record_json(record.name, record.sequence, p, o.threshold,
                                                         origin.from_header, start, strand));
  }
  void write(const PredictOptions& o, const std::map<std::string, std::string>& meta, const std::string& main) {
    std::vector<std::string> comments;
    for (const auto& [key, value] : meta) comments.push_back(key + ": " + value);
    AtomicOutput sites(main.empty() ? "-" : main, false);
    if (o.json) sites.stream() << nlohmann::json{{"provenance", meta}, {"records", records}}.dump(1) << '\n';
    else {
      for (const std::string& comment : comments) sites.stream() << "# " << comment << '\n';
      sites.stream() << variant::called_sites_bed(tracks.calls(o.threshold));
    }
    if (!o.tracks.empty()) {
      variant::TrackOptions options;
      options.format = o.bigwig ? variant::TrackFormat::bigwig : o.bgzip ? variant::TrackFormat::bgzip
                                                                         : variant::TrackFormat::bedgraph;
      options.comments = comments;
      options.track_line = !o.no_track_line;
      if (!o.fasta.empty()) {  // bigWig chromosome sizes from the genome, else from what was scored
        genome::Reference reference(o.fasta);
        for (const auto& [chrom, extent] : tracks.extents()) {
          const int contig = reference.find_contig(chrom);
          options.chrom_sizes[chrom] = contig >= 0 ? reference.contig_length(contig) : extent;
        }
      }
      variant::write_splice_tracks(tracks, o.tracks, options);
    }
    sites.commit();
  }
};

void write_token_scores(const FastaRecord& record, const Tensor& logits, const ModelConfig& c,
                        const PredictOptions& o, Outputs& out) {
  const int64_t L = static_cast<int64_t>(record.sequence.size()), n = c.head.num_labels;
  const genome::SequenceOrigin origin = genome::parse_sequence_origin(record.name, L);
  const std::string chrom = origin.from_header ? origin.chrom : record.name;
  const bool minus = origin.from_header && origin.strand == '-';
  for (int64_t k = 0; k < L; ++k) {
    const int64_t i = minus ? L - 1 - k : k;  // genome order: ascending position
    const int64_t position = origin.from_header ? (minus ? origin.end - 1 - i : origin.start + i) : i;
    const double score = head_row_score(&logits.data[i * n], static_cast<int>(n), o.score_class, c.head.problem_type);
    out.bedgraph << chrom << '\t' << position << '\t' << position + 1 << '\t' << score << '\n';
    if (score >= o.threshold)
      out.bed << chrom << '\t' << position << '\t' << position + 1 << '\t' << record.name << ':' << i << '\t'
              << static_cast<int>(std::lround(std::min(1.0, std::max(0.0, score)) * 1000)) << '\t'
              << (origin.from_header ? origin.strand : '.') << '\n';
  }
}

void commit_text(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  AtomicOutput file(path, false);
  file.stream() << text;
  file.commit();
}

int run(const PredictOptions& o) {
  apply_threads(o.threads);
  LoadOptions load;
  load.precision = o.precision;
  auto model = Model::load(o.model, load);
  const ModelConfig& c = model->config();
  if (c.head.kind == HeadKind::None) fail(o.model, ": not a fine-tuned model (no sequence, token or contact head)");
  PredictOptions options = o;
  options.score_class = resolve_score_class(c.head, options.score_class);
  const bool token = c.head.kind == HeadKind::Token, contact = c.head.kind == HeadKind::Contact;
  const bool splice = variant::is_splice_site_model(c);
  if (!splice && (!o.tracks.empty() || o.json || o.bgzip || o.bigwig))
    fail("--tracks, --json, --bgzip and --bigwig need a splice-site model (a token head of 3 labels); ", o.model,
         " is not one");
  if ((o.bgzip || o.bigwig) && o.tracks.empty()) fail("--bgzip and --bigwig apply to --tracks PREFIX: give it");
  if (o.bgzip && o.bigwig) fail("--bgzip and --bigwig: choose one track format");
  if (o.bigwig && !variant::bigwig_supported()) fail("--bigwig: this build has no libBigWig (libbigwig-dev)");
  // An output the head does not produce is a mistake in the command, not something to skip silently.
  const char* kind = token ? "token" : contact ? "contact" : "sequence";
  for (const auto& [option, given, applies] :
       {std::tuple{"--bedgraph", &o.bedgraph, token}, std::tuple{"--bed", &o.bed, token},
        std::tuple{"--tsv", &o.tsv, c.head.kind == HeadKind::Sequence}, std::tuple{"--npz", &o.npz, contact}})
    if (!given->empty() && !applies)
      fail(option, " does not apply: ", o.model, " has a ", kind, " head, whose outputs are ",
           token ? "--bedgraph and --bed" : contact ? "--npz" : "--tsv", " (or -o)");
  // -o (default stdout) is the main output: the bedGraph of a token head, the TSV of a sequence head, the npz of a
  // contact head; the specific options name it explicitly.
  const std::string main_output = o.output.empty() ? "-" : o.output;
  if (token && !splice && options.bedgraph.empty()) options.bedgraph = main_output;
  if (c.head.kind == HeadKind::Sequence && options.tsv.empty()) options.tsv = main_output;
  if (contact && options.npz.empty()) options.npz = o.output;
  if (contact && options.npz.empty()) fail("a contact head writes an npz: give -o FILE.npz or --npz FILE");

  if (o.input.empty() == o.fasta.empty()) fail("predict: give either -i FASTA or -f GENOME with -a REGIONS");
  if (!o.fasta.empty() && o.annotation.empty()) fail("predict: -f GENOME needs -a REGIONS (BED, GTF or GFF3)");
  std::unique_ptr<ExtractedRegions> regions;
  if (!o.fasta.empty()) regions = std::make_unique<ExtractedRegions>(o);
  const std::string input = regions ? regions->fasta : o.input;

  Session session(model);
  Outputs out;
  SpliceOutputs splice_out;
  // Provenance first in every output: '#' lines in the text files, an __provenance__ entry in the npz.
  const auto meta = provenance(model.get());
  for (const auto& [key, value] : meta)
    for (std::ostringstream* text : {&out.bedgraph, &out.bed, &out.tsv}) *text << "# " << key << ": " << value << '\n';
  out.npz.add_text("__provenance__", nlohmann::json(meta).dump());
  out.bedgraph << "track type=bedGraph name=\"splicebert predict\"\n";
  out.tsv << "name";
  for (int k = 0; k < c.head.num_labels; ++k) out.tsv << "\tscore" << k;
  out.tsv << '\n';
  RateProgress progress(o.quiet, "predict", "nt");
  // --shard: records [first, end) of the input (genome mode: of the extracted regions, in extraction order).
  // A file can be read twice: one pass first gives the records' lengths, for --shard's block and for the fraction
  // done and ETA of the progress line (standard input: rate only, and --shard needs a file).
  int64_t first = 0, end = INT64_MAX, index = -1;
  if (!o.shard.empty() && input == "-")
    fail("--shard needs the input as a file (it counts the records first), not standard input");
  if (input != "-") {
    std::vector<int64_t> lengths;
    FastaReader counting(input);
    FastaRecord counted;
    while (counting.next(counted)) lengths.push_back(static_cast<int64_t>(counted.sequence.size()));
    if (!o.shard.empty()) {
      const Shard shard = Shard::parse(o.shard);
      first = shard.begin(static_cast<int64_t>(lengths.size()));
      end = shard.end(static_cast<int64_t>(lengths.size()));
    }
    int64_t total = 0;
    for (int64_t r = first; r < std::min<int64_t>(end, static_cast<int64_t>(lengths.size())); ++r) total += lengths[r];
    progress.set_total(total);
  }
  FastaReader reader(input);
  FastaRecord record;
  int64_t records = 0, nucleotides = 0;
  while (reader.next(record)) {
    if (++index < first) continue;
    if (index >= end) break;
    const auto encoded = model->tokenizer().encode(record.sequence, /*add_special=*/false);
    report_unknown_characters("predict", record.name, encoded.unknown, model->tokenizer(), o.quiet);
    progress.update(records, nucleotides);  // the records finished so far
    ++records;
    nucleotides += static_cast<int64_t>(encoded.ids.size());
    if (token) {  // any length: windows stitched back
      const Tensor logits = windowed_token_logits(session, encoded.ids, o.window, o.stride, o.max_tokens);
      if (splice) splice_out.add(record, logits, o);
      if (!splice || !options.bedgraph.empty()) write_token_scores(record, logits, c, options, out);
      continue;
    }
    if (static_cast<int64_t>(encoded.ids.size()) + 2 > c.max_position_embeddings)
      fail(input, ":", record.line, ": '", record.name, "' is longer than the model's ",
           c.max_position_embeddings - 2, " nt (a ", contact ? "contact" : "sequence", " head scores one window)");
    const Batch batch = make_batch({model->tokenizer().with_special_tokens(encoded.ids)}, model->tokenizer().pad_id());
    const ForwardOutput& forward = session.forward(batch, head_forward_options(c));
    const Tensor logits = head_logits(*model, batch, forward);
    if (contact) out.npz.add(record.name, Tensor({logits.dim(1), logits.dim(2), logits.dim(3)}, logits.data));
    else {
      out.tsv << record.name;
      for (int k = 0; k < c.head.num_labels; ++k)
        out.tsv << '\t'
                << (c.head.num_labels == 1 ? head_row_score(&logits.data[0], 1, 0, c.head.problem_type) : logits.data[k]);
      out.tsv << '\n';
    }
  }
  if (records == 0 && o.shard.empty()) fail(input, ": no sequences");  // a shard may be empty
  commit_text(token ? options.bedgraph : "", out.bedgraph.str());
  if (splice) splice_out.write(o, meta, !o.bed.empty() ? o.bed : main_output);
  else commit_text(token ? options.bed : "", out.bed.str());
  commit_text(c.head.kind == HeadKind::Sequence ? options.tsv : "", out.tsv.str());
  if (contact) out.npz.write(options.npz);
  progress.update(records, nucleotides, /*final=*/true);
  return 0;
}

VerbRegistrar registrar("predict",
                        "a fine-tuned head over FASTA or genomic regions: bedGraph / BED6 sites, sequence TSV, contact npz",
                        [](CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  add_model_option(app, o->model);
  add_output_option(app, o->output, "main output (default stdout): token bedGraph, sequence TSV, contact npz");
  add_input_option(app, o->input, "FASTA (names NAME::CHROM:START-END(STRAND) give genome coordinates)");
  add_fasta_option(app, o->fasta);
  add_annotation_option(app, o->annotation, o->format);
  app.get_option("-a")->description("with -f: the regions to score (BED6 with strand, BED12, GTF or GFF3)");
  add_feature_option(app, o->feature);
  add_window_option(app, o->window, "token head: nucleotides per window for long records (default: the model's maximum)");
  add_stride_option(app, o->stride);
  add_max_tokens_option(app, o->max_tokens);
  add_skip_bad_option(app, o->skip_bad);
  add_shard_option(app, o->shard);
  app.add_option("--bedgraph", o->bedgraph, "token head: per-nucleotide scores (bedGraph)")->check(writable_output_file());
  app.add_option("--bed", o->bed, "token head: nucleotides scoring ≥ --threshold (BED6, score = 1000·score)")
      ->check(writable_output_file());
  app.add_option("--tsv", o->tsv, "sequence head: name and scores (sigmoid for one label, else logits)")
      ->check(writable_output_file());
  app.add_option("--npz", o->npz, "contact head: logits [L, L, n] per record name")->check(writable_output_file());
  add_precision_option(app, o->precision);
  app.add_option("--threshold", o->threshold, "score for a called site")->capture_default_str();
  app.add_option("--tracks", o->tracks,
                 "splice-site model: PREFIX.{acceptor,donor}.{plus,minus}.bedGraph, one value per genome position");
  app.add_flag("--bgzip", o->bgzip, "splice-site model: tracks as bgzip with a tabix index (.bedGraph.gz, .tbi)");
  app.add_flag("--bigwig", o->bigwig, "splice-site model: tracks as bigWig (.bw)");
  app.add_flag("--no-track-line", o->no_track_line,
               "splice-site model: bedGraph tracks without the 'track' line (for bedGraphToBigWig)");
  app.add_flag("--json", o->json, "splice-site model: sites per record as JSON (MultiMolecule splice-site) on -o");
  app.add_option("--class", o->score_class, "class whose score a token head reports (default 1, or 0 for one label)");
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
