// libFuzzer: score-vcf's input path on arbitrary bytes. htslib opens them (VCF, bgzip VCF or BCF, by content) through
// vcf::Annotator, the records are read in chunks, each becomes a variant::Site planned against a tiny in-memory
// genome (variant::plan_site: REF check, transcripts, reasons, windows: the record-to-job code) and the chunk is
// written back with the reasons as INFO. The accepted answer to bad input is a splicebert::Error; the output goes
// to a private temporary file and is never committed.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/variant_sites.hpp"
#include "splicebert/vcf.hpp"

namespace {

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/splicebert-fuzz-" + std::to_string(::getpid()) + name;
}

// The genome every input is planned against: chr1 (600 nt) with one two-exon transcript on each strand, chr2 (250 nt)
// without transcripts. Written once per process; the Reference builds its .fai in its own temporary folder.
struct Genome {
  Genome() {
    const std::string fasta = temp_path(".fa"), gtf = temp_path(".gtf");
    std::string chr1;
    for (int i = 0; i < 600; ++i) chr1 += "ACGTTGCAAGGT"[(i * 7 + i / 5) % 12];
    std::ofstream(fasta) << ">chr1\n" << chr1 << "\n>chr2\n" << std::string(250, 'A') << "\n";
    std::ofstream(gtf) << "chr1\tt\texon\t101\t200\t.\t+\t.\tgene_id \"G1\"; transcript_id \"T1\";\n"
                       << "chr1\tt\texon\t301\t400\t.\t+\t.\tgene_id \"G1\"; transcript_id \"T1\";\n"
                       << "chr1\tt\texon\t151\t250\t.\t-\t.\tgene_id \"G2\"; transcript_id \"T2\";\n"
                       << "chr1\tt\texon\t351\t500\t.\t-\t.\tgene_id \"G2\"; transcript_id \"T2\";\n";
    reference = std::make_unique<splicebert::genome::Reference>(fasta, 4096);
    splicebert::genome::Diagnostics diagnostics(false, true);
    auto annotation = splicebert::genome::open_annotation(gtf, splicebert::genome::AnnotationFormat::gtf, diagnostics);
    transcripts = std::make_unique<splicebert::variant::TranscriptIndex>(*annotation, *reference);
  }
  std::unique_ptr<splicebert::genome::Reference> reference;
  std::unique_ptr<splicebert::variant::TranscriptIndex> transcripts;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splicebert;
  static Genome genome;
  try {
    vcf::AnnotatorOptions options;
    options.input = fuzz_input_file(data, size, ".vcf");
    options.output = temp_path(".out.vcf");
    vcf::Annotator annotator(options);
    for (int chunk = 0; chunk < 64; ++chunk) {  // bounded: at most 64 x 16 records per input
      const std::vector<vcf::Record>& records = annotator.read(16);
      if (records.empty()) break;
      std::vector<vcf::Annotation> annotations(records.size());
      for (size_t i = 0; i < records.size(); ++i) {
        const vcf::Record& r = records[i];
        static_cast<void>(r.label());
        variant::Site site{r.chrom, r.position, r.ref, r.alts};
        std::vector<variant::SubstitutionJob> jobs;
        for (variant::Center center : {variant::Center::Variant, variant::Center::Exon}) {
          variant::SiteOptions site_options;
          site_options.center = center;
          site_options.window = center == variant::Center::Variant ? 510 : 64;
          const variant::SitePlan plan = variant::plan_site(site, *genome.reference, *genome.transcripts, site_options, jobs);
          if (plan.reasons.size() != r.alts.size()) __builtin_trap();  // one reason per ALT, always
          for (const variant::SiteJob& job : plan.jobs)
            if (job.job >= jobs.size() || job.alt >= r.alts.size() ||
                jobs[job.job].position < 0 || jobs[job.job].position >= static_cast<int64_t>(jobs[job.job].window.size()))
              __builtin_trap();
          annotations[i].reasons.clear();
          for (variant::Reason reason : plan.reasons) annotations[i].reasons.push_back(variant::reason_name(reason));
        }
        annotations[i].context_kl.assign(r.alts.size(), std::nan(""));
      }
      annotator.write(annotations);
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
