// VCF/BCF reading and writing for score-vcf through htslib. One header object serves input and output: htslib adds
// contigs and tags that records use without a header line to the input header, and sharing it keeps the record's
// numeric ids valid for the output. Output goes through OutputFile (io.hpp): devices and FIFOs in place, else an
// exclusive temporary renamed onto the target on commit().
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/thread_pool.h>
#include <htslib/bgzf.h>
#include <htslib/vcf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/vcf.hpp"

namespace splicebert::vcf {

namespace {

constexpr int kUndeclared = BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF;  // htslib declared it itself, with a warning

const char* write_mode(char type) {
  switch (type) {
    case 'v': return "w";
    case 'z': return "wz";
    case 'b': return "wb";
    case 'u': return "wbu";
    default: fail("-O ", type, ": expected v (VCF), z (bgzip VCF), b (BCF) or u (uncompressed BCF)");
  }
}

// An INFO tag the input already declares must have the definition we write, or its old values would be misread.
void check_existing_definition(const bcf_hdr_t* header, const char* tag, int number, int type, const std::string& in) {
  const int id = bcf_hdr_id2int(header, BCF_DT_ID, tag);
  if (id < 0 || !bcf_hdr_idinfo_exists(header, BCF_HL_INFO, id)) return;
  if (static_cast<int>(bcf_hdr_id2length(header, BCF_HL_INFO, id)) != number ||
      static_cast<int>(bcf_hdr_id2type(header, BCF_HL_INFO, id)) != type)
    fail(in, ": the header already defines INFO/", tag, " differently; remove it first (bcftools annotate -x INFO/",
         tag, ")");
}

}  // namespace

std::string Record::label() const {
  std::string text = "record " + std::to_string(number) + " (" + chrom + ":" + std::to_string(position + 1) + " " + ref;
  text += '>';
  for (size_t a = 0; a < alts.size(); ++a) text += (a ? "," : "") + alts[a];
  return text + (alts.empty() ? ".)" : ")");
}

struct Annotator::State {
  AnnotatorOptions options;
  htsFile* in = nullptr;
  htsFile* out = nullptr;
  bcf_hdr_t* header = nullptr;
  htsThreadPool pool{nullptr, 0};
  std::vector<bcf1_t*> slots;  // record buffers, reused chunk after chunk
  size_t used = 0;
  std::unique_ptr<OutputFile> out_file;  // null for standard output
  bool header_written = false;
  std::string last_good = "the header";
  ~State() {
    for (bcf1_t* record : slots) bcf_destroy(record);
    if (out) hts_close(out);
    out_file.reset();  // uncommitted: its temporary is removed
    if (header) bcf_hdr_destroy(header);
    if (in) hts_close(in);
    if (pool.pool) hts_tpool_destroy(pool.pool);
  }
  std::string input_name() const { return options.input == "-" ? "stdin" : options.input; }
};

Annotator::Annotator(AnnotatorOptions options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.options = std::move(options);
  const std::string& in_name = s.options.input;
  s.in = hts_open(in_name.c_str(), "r");
  if (!s.in) fail(s.input_name(), ": cannot open");
  if (hts_get_format(s.in)->category != variant_data) fail(s.input_name(), ": not a VCF or BCF file (a VCF starts with ##fileformat=VCFv4.x and a #CHROM line: is the "
                         "header missing?)");
  s.header = bcf_hdr_read(s.in);
  if (!s.header)
    fail(s.input_name(), ": cannot read the VCF header (malformed, or missing: a VCF starts with ##fileformat=VCFv4.x "
                         "and a #CHROM line; records without that header need one added, e.g. from bcftools view -h)");
  check_existing_definition(s.header, "SpliceBERT", BCF_VL_VAR, BCF_HT_STR, s.input_name());
  check_existing_definition(s.header, "SB_KL", BCF_VL_A, BCF_HT_REAL, s.input_name());
  check_existing_definition(s.header, "SB_REASON", BCF_VL_VAR, BCF_HT_STR, s.input_name());
  for (const std::string& line : info_header_lines()) bcf_hdr_append(s.header, line.c_str());
  for (const std::string& line : s.options.header_lines) bcf_hdr_append(s.header, line.c_str());
  if (bcf_hdr_sync(s.header) != 0) fail(s.input_name(), ": cannot extend the VCF header");

  const char* mode = write_mode(s.options.output_type);
  if (resolve_output_target(s.options.output).kind == OutputKind::StandardOutput) {
    s.out = hts_open("-", mode);
  } else {
    // htslib writes to a duplicate of the OutputFile's descriptor, so the name is never opened a second time.
    s.out_file = std::make_unique<OutputFile>(s.options.output);
    const int fd = ::dup(s.out_file->fd());
    hFILE* handle = fd >= 0 ? hdopen(fd, "w") : nullptr;
    if (!handle && fd >= 0) ::close(fd);
    if (handle) {
      s.out = hts_hopen(handle, s.options.output.c_str(), mode);
      if (!s.out) hclose_abruptly(handle);
    }
  }
  if (!s.out) fail(s.options.output, ": cannot open for writing: ", std::strerror(errno));
  if (s.options.threads > 1) {
    s.pool.pool = hts_tpool_init(s.options.threads);
    if (s.pool.pool) {
      hts_set_opt(s.in, HTS_OPT_THREAD_POOL, &s.pool);
      hts_set_opt(s.out, HTS_OPT_THREAD_POOL, &s.pool);
    }
  }
}

Annotator::~Annotator() = default;

const std::vector<Record>& Annotator::read(size_t count) {
  State& s = *state_;
  records_.clear();
  s.used = 0;
  const bool text_input = hts_get_format(s.in)->format == ::vcf;  // htslib's enumerator, not this namespace
  const bool binary_output = s.options.output_type == 'b' || s.options.output_type == 'u';
  while (records_.size() < count && records_read_ < s.options.end_record) {
    if (s.used == s.slots.size()) s.slots.push_back(bcf_init());
    bcf1_t* record = s.slots[s.used];
    record->errcode = 0;
    const int status = bcf_read(s.in, s.header, record);
    if (status == -1 && record->errcode == 0) {  // end of input
      // A bgzip file cut exactly at a block boundary reads as a shorter, valid file; only the empty end-of-file
      // block bgzip writes last tells the two apart (htslib merely warns when it is missing).
      const BGZF* stream = s.in->format.compression == bgzf ? s.in->fp.bgzf : nullptr;
      if (stream && !stream->last_block_eof)
        fail(s.input_name(), ": ends without the bgzip end-of-file block (the file is truncated); read ",
             s.last_good.empty() ? std::string("no records") : "up to " + s.last_good);
      break;
    }
    ++records_read_;
    const std::string where = s.input_name() + ": record " + std::to_string(records_read_) + " (after " +
                              s.last_good + ")";
    if (status < 0 || (record->errcode & ~kUndeclared))
      fail(where, ": malformed line (htslib error code ", record->errcode, ")");
    // htslib 1.16 accepts a line with missing columns; it has split the line at its tabs (now NULs) in place.
    if (text_input) {
      size_t separators = 0;
      for (size_t i = 0; i < s.in->line.l; ++i) separators += s.in->line.s[i] == '\0' || s.in->line.s[i] == '\t';
      if (separators < 7) fail(where, ": ", separators + 1, " columns, a VCF line has at least 8");
    }
    if (record->pos < 0) fail(where, ": POS is not a positive integer");
    if ((record->errcode & kUndeclared) && s.header_written && binary_output)
      fail(where, ": uses a contig or INFO/FORMAT tag that the header does not declare; BCF output needs it "
                  "declared before the first record (add the ##contig / ##INFO line, or write VCF with -O v|z)");
    record->errcode &= ~kUndeclared;  // htslib has declared it in the shared header now
    bcf_unpack(record, BCF_UN_STR);
    Record r;
    r.number = records_read_;
    r.chrom = bcf_seqname_safe(s.header, record);
    r.position = record->pos;
    if (record->n_allele > 0) r.ref = record->d.allele[0];
    for (int a = 1; a < record->n_allele; ++a) r.alts.emplace_back(record->d.allele[a]);
    s.last_good = r.chrom + ":" + std::to_string(r.position + 1);
    if (records_read_ <= s.options.first_record) continue;  // before this shard: the slot is reused
    if (s.options.keep && !s.options.keep(r.chrom, r.position)) continue;
    records_.push_back(std::move(r));
    ++s.used;
  }
  return records_;
}

void Annotator::write(const std::vector<Annotation>& annotations) {
  State& s = *state_;
  if (annotations.size() != records_.size()) fail("Annotator::write: one annotation per record is needed");
  if (!s.header_written) {
    if (bcf_hdr_write(s.out, s.header) != 0) fail(s.options.output, ": cannot write the VCF header");
    s.header_written = true;
  }
  std::vector<float> values;
  for (size_t i = 0; i < records_.size(); ++i) {
    bcf1_t* record = s.slots[i];
    const Annotation& a = annotations[i];
    auto join = [](const std::vector<std::string>& parts) {
      std::string text;
      for (size_t k = 0; k < parts.size(); ++k) text += (k ? "," : "") + (parts[k].empty() ? "." : parts[k]);
      return text;
    };
    int status = 0;
    status |= a.entries.empty() ? bcf_update_info_string(s.header, record, "SpliceBERT", nullptr)
                                : bcf_update_info_string(s.header, record, "SpliceBERT", join(a.entries).c_str());
    values.assign(a.context_kl.size(), 0.0f);
    for (size_t k = 0; k < values.size(); ++k)
      if (std::isnan(a.context_kl[k])) bcf_float_set_missing(values[k]);
      else values[k] = static_cast<float>(a.context_kl[k]);
    status |= bcf_update_info_float(s.header, record, "SB_KL", values.empty() ? nullptr : values.data(),
                                    static_cast<int>(values.size()));
    status |= a.reasons.empty() ? bcf_update_info_string(s.header, record, "SB_REASON", nullptr)
                                : bcf_update_info_string(s.header, record, "SB_REASON", join(a.reasons).c_str());
    if (a.splice_deltas)
      status |= a.splice_deltas->empty()
                    ? bcf_update_info_string(s.header, record, "SpliceBERT_DS", nullptr)
                    : bcf_update_info_string(s.header, record, "SpliceBERT_DS", join(*a.splice_deltas).c_str());
    if (status != 0) fail(s.options.output, ": cannot set the INFO fields of ", records_[i].label());
    if (bcf_write(s.out, s.header, record) != 0) fail(s.options.output, ": cannot write ", records_[i].label());
  }
}

void Annotator::commit() {
  State& s = *state_;
  if (!s.header_written) write({});  // an input without records still gets its header
  errno = 0;
  const int status = hts_close(s.out);
  s.out = nullptr;
  if (status != 0)
    fail(s.options.output == "-" ? std::string("standard output") : s.options.output, ": cannot write: ",
         std::strerror(errno != 0 ? errno : EIO));
  if (s.out_file) s.out_file->commit();
}

}  // namespace splicebert::vcf
