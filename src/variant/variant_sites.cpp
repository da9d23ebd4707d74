// One genomic site -> substitution jobs (docs/variants.md, "Which variants are scored"). Each ALT is normalised by
// trimming the bases it shares with REF at either end; what is left must be one base against one base (an SNV),
// otherwise the allele gets INDEL (lengths differ) or UNSUPPORTED_ALLELE (MNV, symbolic, N, ALT = REF).
#include <algorithm>
#include <map>

#include "splicebert/variant_sites.hpp"

namespace splicebert::variant {

const char* reason_name(Reason reason) {
  switch (reason) {
    case Reason::none: return "";
    case Reason::ref_mismatch: return "REF_MISMATCH";
    case Reason::not_in_transcript: return "NOT_IN_TRANSCRIPT";
    case Reason::contig_unknown: return "CONTIG_UNKNOWN";
    case Reason::near_contig_end: return "NEAR_CONTIG_END";
    case Reason::unsupported_allele: return "UNSUPPORTED_ALLELE";
    case Reason::indel: return "INDEL";
    case Reason::outside_window: return "OUTSIDE_WINDOW";
  }
  return "";
}

namespace {

struct Snv {
  int64_t position = 0;
  char ref = 0, alt = 0;  // upper case, + strand
};

std::string upper(std::string text) {
  genome::to_upper(text);
  return text;
}

char complement(char base) {
  switch (base) {
    case 'A': return 'T';
    case 'C': return 'G';
    case 'G': return 'C';
    default: return 'A';  // T or U; callers pass A/C/G/T/U only
  }
}

Reason classify(const std::string& ref, const std::string& alt, int64_t position, Snv& snv) {
  if (alt.empty() || ref.empty()) return Reason::unsupported_allele;
  for (const std::string* allele : {&ref, &alt})
    for (char c : *allele)
      if (base_index(c) < 0) return Reason::unsupported_allele;  // <DEL>, *, ., breakends, N, IUPAC codes
  if (ref.size() != alt.size()) return Reason::indel;
  size_t first = 0, last = ref.size();
  while (first < last && ref[first] == alt[first]) ++first;
  while (last > first && ref[last - 1] == alt[last - 1]) --last;
  if (last - first != 1) return Reason::unsupported_allele;  // ALT = REF, or several bases differ (MNV)
  snv = {position + static_cast<int64_t>(first), ref[first], alt[first]};
  return Reason::none;
}

// The exon of `t` holding `position`, else the one with the nearest boundary (the first of equals).
size_t nearest_exon(const genome::TranscriptModel& t, int64_t position) {
  size_t best = 0;
  int64_t best_distance = INT64_MAX;
  for (size_t e = 0; e < t.exons.size(); ++e) {
    const auto& exon = t.exons[e];
    const int64_t distance =
        position < exon.start ? exon.start - position : position >= exon.end ? position - exon.end + 1 : 0;
    if (distance < best_distance) best_distance = distance, best = e;
  }
  return best;
}

}  // namespace

const char* consequence(const genome::TranscriptModel& t, int64_t position) {
  const bool minus = t.strand == '-';
  bool in_exon = false, region = false;
  for (size_t k = 0; k < t.exons.size(); ++k) {
    in_exon |= position >= t.exons[k].start && position < t.exons[k].end;
    if (k + 1 == t.exons.size()) break;
    const int64_t a = t.exons[k].end, b = t.exons[k + 1].start;  // intron [a, b), genomic order
    if (b <= a) continue;
    const bool first_two = position >= a && position < std::min(a + 2, b);
    const bool last_two = position >= std::max(b - 2, a) && position < b;
    if (first_two || last_two) return (first_two != minus) ? "splice_donor_variant" : "splice_acceptor_variant";
    region |= (position >= a - 3 && position < a + 8) || (position >= b - 8 && position < b + 3);
  }
  return region ? "splice_region_variant" : in_exon ? "exon_variant" : "intron_variant";
}

SitePlan plan_site(const Site& site, genome::Reference& reference, const TranscriptIndex& transcripts,
                   const SiteOptions& options, std::vector<SubstitutionJob>& jobs) {
  SitePlan plan;
  plan.reasons.assign(site.alts.size(), Reason::none);
  auto all = [&](Reason reason, std::string message) {
    std::fill(plan.reasons.begin(), plan.reasons.end(), reason);
    plan.message = std::move(message);
    return plan;
  };
  const int contig = reference.find_contig(site.chrom);
  if (contig < 0) return all(Reason::contig_unknown, "contig '" + site.chrom + "' is not in " + reference.path());
  const int64_t length = reference.contig_length(contig);
  const std::string ref = upper(site.ref);
  if (site.position + static_cast<int64_t>(ref.size()) > length)
    return all(Reason::ref_mismatch, "REF runs past the end of " + site.chrom + " (" + std::to_string(length) + " nt)");
  std::string genome_ref;
  reference.append(contig, site.position, site.position + static_cast<int64_t>(ref.size()), genome_ref);
  if (upper(genome_ref) != ref)
    return all(Reason::ref_mismatch, "REF is " + site.ref + ", the reference has " + genome_ref);

  std::map<std::pair<int64_t, bool>, std::string> windows;  // (start, minus) -> sequence, fetched once per site
  for (size_t a = 0; a < site.alts.size(); ++a) {
    Snv snv;
    if ((plan.reasons[a] = classify(ref, upper(site.alts[a]), site.position, snv)) != Reason::none) continue;
    if (snv.position < options.context_radius || snv.position >= length - options.context_radius) {
      plan.reasons[a] = Reason::near_contig_end;
      plan.message = "within " + std::to_string(options.context_radius) + " nt of the end of " + site.chrom;
      continue;
    }
    const auto overlapping = transcripts.overlapping(contig, snv.position);
    if (overlapping.empty()) {
      plan.reasons[a] = Reason::not_in_transcript;
      continue;
    }
    plan.reasons[a] = Reason::outside_window;  // until some transcript's window holds the variant
    for (const genome::TranscriptModel* t : overlapping) {
      const bool minus = t->strand == '-';
      const size_t e = t->exons.empty() ? 0 : nearest_exon(*t, snv.position);
      const Span exon = t->exons.empty() ? Span{t->span.start, t->span.end} : Span{t->exons[e].start, t->exons[e].end};
      const Span window = options.center == Center::Variant
                              ? window_around_variant(snv.position, minus, options.window, length)
                              : window_around_exon(exon, options.window, length);
      if (!window.contains(snv.position)) continue;
      auto [cached, fresh] = windows.try_emplace({window.start, minus});
      if (fresh) {
        reference.append(contig, window.start, window.end, cached->second);
        genome::to_upper(cached->second);
        if (minus) genome::reverse_complement(cached->second);
      }
      SubstitutionJob job;
      job.window = cached->second;
      job.position = window_index(window, snv.position, minus);
      job.alt = minus ? complement(snv.alt) : snv.alt;
      // A first exon (in transcript order) has no acceptor, a last one no donor; single-exon spans have neither.
      const size_t n = std::max<size_t>(t->exons.size(), 1);
      job.exon = window_span(window, exon, minus);
      job.exon_has_acceptor = minus ? e + 1 < n : e > 0;
      job.exon_has_donor = minus ? e > 0 : e + 1 < n;
      plan.jobs.push_back({a, t, minus, jobs.size(), consequence(*t, snv.position)});
      jobs.push_back(std::move(job));
      plan.reasons[a] = Reason::none;
    }
  }
  return plan;
}

}  // namespace splicebert::variant
