// A whole score-vcf run (vcf_scoring.hpp, score_vcf_file): everything between a front door's options and its
// summary line, so the CLI verb and the Python package run the same steps in the same order.
#include <algorithm>
#include <chrono>
#include <memory>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"
#include "splicebert/score_table.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/splice_deltas.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::variant {

int64_t scoring_window(const Model& model, int64_t requested) {
  const int64_t max_nt = model.config().max_position_embeddings - 2;
  const int64_t window = requested > 0 ? requested : max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  if (window < 2 * 100 + 1) fail("--window ", window, " is shorter than the 201 nt the context KL needs");
  return window;
}

VcfScoringStats score_vcf_file(Session& session, VcfRunOptions o, const VcfRunCallbacks& callbacks,
                               std::string* summary) {
  auto message = [&](const std::string& line) {
    if (callbacks.message) callbacks.message(line);
  };
  if (o.io.input == "-" && o.annotation == "-")
    fail("-a - and -i - (the default) cannot both read standard input: give the VCF or the annotation as a file");
  if (!o.lookup.empty() && o.annotation == "-")
    fail("--lookup needs -a as a file: the table is matched by the annotation's SHA-256");
  const Model& model = session.model();
  o.scoring.sites.window = scoring_window(model, o.scoring.sites.window);

  genome::Diagnostics diagnostics(false, o.quiet);
  genome::Reference reference(o.fasta);
  auto annotation = genome::open_annotation(o.annotation, genome::parse_annotation_format(o.annotation_format),
                                            diagnostics);
  const TranscriptIndex transcripts(*annotation, reference, &diagnostics);
  diagnostics.summary("score-vcf");  // counted warnings about the annotation
  if (transcripts.on_unknown_contigs())
    message(std::to_string(transcripts.on_unknown_contigs()) +
            " transcripts are on contigs the reference lacks; ignored");
  const RegionFilter regions(o.regions, o.regions_file, reference);
  std::unique_ptr<ScoreTable> table;
  if (!o.lookup.empty())
    table = std::make_unique<ScoreTable>(
        o.lookup, table_parameters(model.weights_sha256(), sha256_file_hex(o.annotation), o.scoring, o.precision));

  int64_t records_to_read = 0;  // 0: unknown
  if (!o.shard.empty()) {
    const Shard shard = Shard::parse(o.shard);
    const int64_t total = count_vcf_records(o.io.input);
    o.io.first_record = shard.begin(total);
    o.io.end_record = shard.end(total);
    records_to_read = o.io.end_record - o.io.first_record;
  } else if (callbacks.progress && o.io.input != "-") {
    try {
      records_to_read = count_vcf_records(o.io.input);
    } catch (const Error&) {
      records_to_read = 0;  // a broken record: the scoring read below reports it with its details
    }
  }
  for (const auto& [key, value] : o.provenance) o.io.header_lines.push_back("##SpliceBERT_" + key + "=" + value);
  o.io.header_lines.push_back("##SpliceBERT_reference=" + o.fasta);
  o.io.header_lines.push_back("##SpliceBERT_annotation=" + o.annotation);
  for (const std::string& line : scoring_header_lines(o.scoring)) o.io.header_lines.push_back(line);
  if (o.splice_session) {
    require_splice_site_model(o.splice_session->model());
    o.io.header_lines.push_back(spliceai_info_header(o.deltas.distance));
    o.io.header_lines.push_back("##SpliceBERT_splice_model_sha256=" + o.splice_session->model().weights_sha256());
  }
  if (regions.active())
    o.io.keep = [&regions](const std::string& chrom, int64_t pos) { return regions.keep(chrom, pos); };
  vcf::Annotator annotator(o.io);

  VcfScorer scorer(session, reference, transcripts, o.scoring, o.io.input == "-" ? "stdin" : o.io.input, message,
                   table.get());
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    const std::vector<vcf::Record>& chunk = annotator.read(o.chunk);
    if (chunk.empty()) break;
    std::vector<vcf::Annotation> annotations = scorer.score(chunk);
    if (o.splice_session) {
      std::vector<Site> sites;
      for (const vcf::Record& record : chunk) sites.push_back({record.chrom, record.position, record.ref, record.alts});
      const auto deltas = score_site_deltas(*o.splice_session, sites, reference, transcripts, o.deltas);
      for (size_t r = 0; r < chunk.size(); ++r) annotations[r].splice_deltas = spliceai_entries(chunk[r].alts, deltas[r]);
    }
    annotator.write(annotations);
    if (callbacks.record)
      for (size_t r = 0; r < chunk.size(); ++r) callbacks.record(chunk[r], annotations[r]);
    if (callbacks.progress) {
      VcfScoringStats progress = scorer.stats();
      progress.input_records_read = std::max<int64_t>(0, annotator.records_read() - o.io.first_record);
      progress.input_records_total = records_to_read;
      callbacks.progress(progress);
    }
  }
  annotator.commit();
  if (summary)
    *summary = scorer.summary(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return scorer.stats();
}

}  // namespace splicebert::variant
