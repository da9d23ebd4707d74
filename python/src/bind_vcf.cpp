// Scoring VCF records against a genome from Python: the library's score_vcf_file (what `splicebert score-vcf`
// runs), with every record handed back as a dict and the annotated VCF written when an output is given.
#include <cmath>

#include "bindings.hpp"
#include "splicebert/build_info.hpp"
#include "splicebert/error.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::python {

namespace {

py::dict record_dict(const vcf::Record& record, const vcf::Annotation& annotation) {
  py::dict d;
  d["chrom"] = record.chrom;
  d["pos"] = record.position + 1;  // 1-based, as in the VCF
  d["ref"] = record.ref;
  d["alts"] = record.alts;
  d["SpliceBERT"] = annotation.entries;
  py::list context_kl;
  for (double value : annotation.context_kl) context_kl.append(std::isnan(value) ? py::object(py::none()) : py::float_(value));
  d["SB_KL"] = context_kl;
  d["SB_REASON"] = annotation.reasons;
  d["SpliceBERT_DS"] = annotation.splice_deltas;
  return d;
}

}  // namespace

void bind_vcf(py::module_& m) {
  m.def(
      "score_vcf",
      [](ModelHandle& handle, const std::string& input, const std::string& fasta, const std::string& annotation,
         const std::string& output, const std::string& output_type, const std::string& annotation_format,
         const std::string& center, int64_t window, int64_t max_kl_window, bool masked_delta_p, int64_t max_tokens,
         int64_t chunk, const std::vector<std::string>& regions, const std::string& lookup,
         const std::string& splice_model, int64_t distance, const std::string& command) {
        if (center != "variant" && center != "exon") fail("center must be 'variant' or 'exon', got '", center, "'");
        if (output_type.size() != 1 || std::string("vzbu").find(output_type) == std::string::npos)
          fail("output_type must be one of v, z, b, u, got '", output_type, "'");
        if (chunk < 1) fail("chunk must be at least 1, got ", chunk);
        variant::VcfRunOptions run;
        run.fasta = fasta;
        run.annotation = annotation;
        run.annotation_format = annotation_format;
        run.io.input = input;
        run.io.output = output.empty() ? "/dev/null" : output;  // records only: written through to the device
        run.io.output_type = output_type[0];
        run.regions = regions;
        run.lookup = lookup;
        run.precision = handle.model()->precision() == Precision::BF16 ? "bf16" : "f32";
        run.scoring.sites.center = center == "exon" ? variant::Center::Exon : variant::Center::Variant;
        run.scoring.sites.window = window;
        run.scoring.center_name = center;
        run.scoring.scoring.max_kl_radius = max_kl_window;
        run.scoring.scoring.max_tokens = max_tokens;
        run.scoring.scoring.masked_delta_p = masked_delta_p;
        run.chunk = static_cast<size_t>(chunk);
        run.provenance = output_provenance(handle.model().get(), command);
        run.quiet = true;
        std::unique_ptr<Session> splice_session;  // SpliceAI-style deltas (INFO/SpliceBERT_DS), as --splice-model
        if (!splice_model.empty() && splice_model != "none") {
          LoadOptions load;
          load.precision = handle.model()->precision();
          splice_session = std::make_unique<Session>(Model::load(splice_model, load));
          run.splice_session = splice_session.get();
          run.deltas = {.distance = distance, .max_tokens = max_tokens};
        }
        std::vector<std::pair<vcf::Record, vcf::Annotation>> scored;
        std::vector<std::string> warnings;  // about the data: raised as Python warnings once the GIL is back
        variant::VcfRunCallbacks callbacks;
        callbacks.message = [&warnings](const std::string& line) { warnings.push_back("score_vcf: " + line); };
        callbacks.record = [&scored](const vcf::Record& record, const vcf::Annotation& annotation) {
          scored.emplace_back(record, annotation);
        };
        {
          py::gil_scoped_release release;
          auto session = handle.borrow();
          variant::score_vcf_file(*session, run, callbacks);
        }
        for (const std::string& warning : warnings)
          if (PyErr_WarnEx(PyExc_UserWarning, warning.c_str(), 1) != 0) throw py::error_already_set();
        py::list out;
        for (const auto& [record, annotation] : scored) out.append(record_dict(record, annotation));
        return out;
      },
      py::arg("model"), py::arg("input"), py::arg("fasta"), py::arg("annotation"), py::arg("output") = "",
      py::arg("output_type") = "v", py::arg("annotation_format") = "auto", py::arg("center") = "variant",
      py::arg("window") = 0, py::arg("max_kl_window") = 50, py::arg("masked_delta_p") = true,
      py::arg("max_tokens") = 16384, py::arg("chunk") = 256, py::arg("regions") = std::vector<std::string>{},
      py::arg("lookup") = "", py::arg("splice_model") = "", py::arg("distance") = 50,
      py::arg("command") = "python: splicebert score_vcf",
      "score-vcf from Python: per VCF record a dict (chrom, pos 1-based, ref, alts, SpliceBERT entries, SB_KL, "
      "SB_REASON, SpliceBERT_DS with a splice_model); with `output` the annotated VCF/BCF is written exactly as the CLI writes it.");
}

}  // namespace splicebert::python
