// Per-record VCF scoring: plan each record's sites, score the chunk's substitutions in shared batches (or take them
// from a precomputed table), and build INFO/SpliceBERT, SB_KL and SB_REASON.
#include "splicebert/vcf_scoring.hpp"

#include <cctype>
#include <cstdio>

#include "splicebert/score_table.hpp"

namespace splicebert::variant {

std::vector<std::string> scoring_header_lines(const VcfScoringOptions& o) {
  const int64_t window = o.sites.window;
  return {"##SpliceBERT_window=" + std::to_string(window) + " nt centred on the " + o.center_name +
              " (variant at index " + std::to_string(window / 2) + " when centred on it) on the transcript strand",
          "##SpliceBERT_scoring=P(i) softmax over the A C G U logits; KL(i) = sum_x P_alt ln(P_alt/P_ref); context_KL "
          "= sum over d 1..100 of ln(max(k_d 1e-6)) with k_d the mean of KL(p-d) and KL(p+d); max_KL over offsets "
          "1.." + std::to_string(o.scoring.max_kl_radius) +
              "; masked_dP = P(alt) - P(ref) at <mask> over the whole vocabulary"};
}

std::string info_safe(std::string text) {
  for (char& c : text)
    if (c == ',' || c == ';' || c == '=' || c == '|' || c == ' ' || c == '\t') c = '_';
  return text.empty() ? "." : text;
}

vcf::Annotation assemble_annotation(const vcf::Record& record, const std::vector<AlleleResult>& alleles) {
  vcf::Annotation a;
  if (record.alts.empty()) {
    a.reasons = {reason_name(Reason::unsupported_allele)};
    return a;
  }
  bool any_reason = false;
  for (const AlleleResult& allele : alleles) {
    a.entries.insert(a.entries.end(), allele.entries.begin(), allele.entries.end());
    a.context_kl.push_back(allele.best_context_kl);
    any_reason |= allele.reason != Reason::none;
  }
  if (any_reason)
    for (const AlleleResult& allele : alleles) a.reasons.push_back(reason_name(allele.reason));
  if (a.entries.empty()) a.context_kl.clear();
  return a;
}

namespace {
// The allele results of a planned record from the scores of its jobs.
std::vector<AlleleResult> computed_alleles(const vcf::Record& record, const SitePlan& plan,
                                           const std::vector<SubstitutionScores>& scores) {
  std::vector<AlleleResult> alleles(record.alts.size());
  for (size_t k = 0; k < alleles.size(); ++k) alleles[k].reason = plan.reasons[k];
  for (const SiteJob& job : plan.jobs) {
    const SubstitutionScores& s = scores[job.job];
    const int64_t genomic_offset = job.minus ? -s.max_kl_offset : s.max_kl_offset;  // report on the + strand
    AlleleResult& allele = alleles[job.alt];
    allele.entries.push_back(info_safe(record.alts[job.alt]) + "|" + info_safe(job.transcript->gene) + "|" +
                             info_safe(job.transcript->name) + "|" + (job.minus ? "-" : "+") + "|" +
                             format_score(s.context_kl) + "|" + format_score(s.max_kl) + "|" +
                             (std::isnan(s.max_kl) ? "." : std::to_string(genomic_offset)) + "|" +
                             format_score(s.donor_kl) + "|" + format_score(s.acceptor_kl) + "|" +
                             format_score(s.masked_delta_p) + "|" + job.consequence);
    if (std::isnan(allele.best_context_kl) || s.context_kl > allele.best_context_kl)
      allele.best_context_kl = s.context_kl;
  }
  return alleles;
}
}  // namespace

VcfScorer::VcfScorer(Session& session, genome::Reference& reference, const TranscriptIndex& transcripts,
                     VcfScoringOptions options, std::string source_name, std::function<void(const std::string&)> warn,
                     const ScoreTable* table)
    : session_(session), reference_(reference), transcripts_(transcripts), options_(std::move(options)),
      source_(std::move(source_name)), warn_(std::move(warn)), table_(table) {}

void VcfScorer::warn_about(const vcf::Record& record, const SitePlan& plan) {
  for (Reason reason : plan.reasons) ++stats_.allele_outcomes[reason == Reason::none ? "scored" : reason_name(reason)];
  if (record.alts.empty()) ++stats_.allele_outcomes["UNSUPPORTED_ALLELE"];
  if (plan.message.empty() || !warn_) return;
  if (++warnings_ <= 20)
    warn_("warning: " + source_ + ": " + record.label() + ": " + plan.message + "; not scored");
  if (warnings_ == 20) warn_("(further warnings only counted)");
}

// A record is taken from the table only when it is a plain SNV record (one-base REF and ALTs) whose every scored ALT
// the table holds with as many transcript entries as the plan has jobs; otherwise the model scores it.
bool VcfScorer::from_table(const vcf::Record& record, const SitePlan& plan, std::vector<AlleleResult>& alleles) const {
  if (record.ref.size() != 1) return false;
  const int contig = reference_.find_contig(record.chrom);
  if (contig < 0) return false;
  alleles.assign(record.alts.size(), {});
  std::vector<size_t> jobs_per_alt(record.alts.size(), 0);
  for (const SiteJob& job : plan.jobs) ++jobs_per_alt[job.alt];
  for (size_t k = 0; k < record.alts.size(); ++k) {
    alleles[k].reason = plan.reasons[k];
    if (plan.reasons[k] != Reason::none) continue;
    if (record.alts[k].size() != 1) return false;
    auto upper = [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
    const auto row = table_->find(reference_.contig_name(contig), record.position, upper(record.ref[0]),
                                  upper(record.alts[k][0]));
    if (!row || row->entries.size() != jobs_per_alt[k]) return false;
    for (const std::string& entry : row->entries)  // the allele as this input spells it
      alleles[k].entries.push_back(info_safe(record.alts[k]) + entry.substr(entry.find('|')));
    alleles[k].best_context_kl = row->context_kl;
  }
  return true;
}

std::vector<vcf::Annotation> VcfScorer::score(const std::vector<vcf::Record>& chunk) {
  std::vector<SubstitutionJob> jobs;
  std::vector<SitePlan> plans;
  std::vector<std::vector<AlleleResult>> looked_up(chunk.size());
  std::vector<bool> hit(chunk.size(), false);
  for (size_t r = 0; r < chunk.size(); ++r) {
    const vcf::Record& record = chunk[r];
    std::vector<SubstitutionJob> record_jobs;
    SitePlan plan = plan_site({record.chrom, record.position, record.ref, record.alts}, reference_, transcripts_,
                              options_.sites, record_jobs);
    warn_about(record, plan);
    if (table_ && !plan.jobs.empty()) {
      hit[r] = from_table(record, plan, looked_up[r]);
      ++(hit[r] ? stats_.lookup_hits : stats_.lookup_misses);
    }
    if (!hit[r]) {  // renumber the record's jobs into the chunk's list
      for (SiteJob& job : plan.jobs) job.job += jobs.size();
      for (SubstitutionJob& job : record_jobs) jobs.push_back(std::move(job));
    }
    plans.push_back(std::move(plan));
  }
  const auto scores = jobs.empty() ? std::vector<SubstitutionScores>{}
                                   : score_substitutions(session_, jobs, options_.scoring, &stats_.forwards);
  std::vector<vcf::Annotation> annotations;
  annotations.reserve(chunk.size());
  for (size_t r = 0; r < chunk.size(); ++r)
    annotations.push_back(assemble_annotation(
        chunk[r], hit[r] ? looked_up[r] : computed_alleles(chunk[r], plans[r], scores)));
  stats_.records += chunk.size();
  stats_.scored_jobs += jobs.size();
  return annotations;
}

std::string VcfScorer::summary(double seconds) const {
  std::string text = std::to_string(stats_.records) + " records, " + std::to_string(stats_.scored_jobs) +
                     " allele x transcript scores in " + format_score(seconds) + " s (" +
                     std::to_string(stats_.forwards.ref_forwards) + " REF, " +
                     std::to_string(stats_.forwards.masked_forwards) + " masked, " +
                     std::to_string(stats_.forwards.alt_forwards) + " ALT windows)";
  if (table_)
    text += "; lookup table: " + std::to_string(stats_.lookup_hits) + " records found, " +
            std::to_string(stats_.lookup_misses) + " computed";
  text += "; ALT alleles:";
  for (const auto& [reason, count] : stats_.allele_outcomes) text += " " + reason + " " + std::to_string(count);
  return text;
}

}  // namespace splicebert::variant
