// libFuzzer: one annotation reader (GTF, GFF3 or BED, chosen at build time by FUZZ_ANNOTATION_FORMAT) read to the
// end, then every transcript's features computed (the extract path), on arbitrary text. splicebert::Error is the
// expected answer to bad input; with --skip-bad semantics on, bad lines become counted warnings instead.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splicebert::genome;
  const std::string& path = fuzz_input_file(data, size, ".annotation");
  for (bool skip_bad : {false, true}) {
    try {
      Diagnostics diagnostics(skip_bad, /*quiet=*/true);
      auto reader = open_annotation(path, parse_annotation_format(FUZZ_ANNOTATION_FORMAT), diagnostics);
      TranscriptModel transcript;
      std::vector<Feature> features;
      while (reader->next(transcript)) {
        for (FeatureKind kind : {FeatureKind::transcript, FeatureKind::gene, FeatureKind::exon, FeatureKind::intron}) {
          features.clear();
          transcript_features(transcript, kind, /*split=*/true, features);
        }
        static_cast<void>(past_contig_end(transcript, 1000));
      }
    } catch (const splicebert::Error&) {
    }
  }
  return 0;
}
