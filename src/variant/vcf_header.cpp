// The header lines score-vcf adds (docs/cli.md). bcftools +split-vep finds the subfield names of INFO/SpliceBERT by the
// text after "Format: " up to the end of the Description, so that list must come last in it; bcftools 1.16 (Debian
// 12) also refuses an annotation without a subfield named "Consequence", hence the location term as the last one.
#include "splicebert/vcf.hpp"

namespace splicebert::vcf {

const char* const kEntryFormat =
    "ALLELE|gene|transcript|strand|context_KL|max_KL|max_KL_offset|donor_KL|acceptor_KL|masked_dP|Consequence";

std::vector<std::string> info_header_lines() {
  return {
      std::string("##INFO=<ID=SpliceBERT,Number=.,Type=String,Description=\"SpliceBERT zero-shot splicing scores "
                  "(docs/variants.md), one entry per ALT allele and overlapping transcript, computed on the "
                  "transcript strand. KL values in nats; context_KL is the sum over d of ln(max(k_d, 1e-6)); max_KL "
                  "is the largest KL within the --max-kl-window, max_KL_offset its distance from the variant in nt "
                  "on the + strand; donor_KL and acceptor_KL are mean KL over the nearest exon's splice-site "
                  "dinucleotides (. when outside the window); masked_dP is P(alt) - P(ref) with the variant masked; "
                  "Consequence is where the variant lies in the transcript (Sequence Ontology term). "
                  "Format: ") +
          kEntryFormat + "\">",
      "##INFO=<ID=SB_KL,Number=A,Type=Float,Description=\"SpliceBERT context KL score per ALT allele, the largest "
      "over the overlapping transcripts (. when the allele was not scored)\">",
      "##INFO=<ID=SB_REASON,Number=.,Type=String,Description=\"Why SpliceBERT did not score an ALT allele, one value "
      "per ALT (. = scored): REF_MISMATCH, NOT_IN_TRANSCRIPT, CONTIG_UNKNOWN, NEAR_CONTIG_END, UNSUPPORTED_ALLELE, "
      "INDEL or OUTSIDE_WINDOW\">",
  };
}

}  // namespace splicebert::vcf
