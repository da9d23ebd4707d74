// Reading a precomputed score table (bgzip VCF + tabix) for score-vcf --lookup, and the parameters that must match.
#include "splicebert/score_table.hpp"

#include <htslib/hts.h>
#include <htslib/kseq.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>

#include <cstdlib>
#include <sstream>

#include "splicebert/error.hpp"

namespace splicebert::variant {

std::string table_parameters(const std::string& model_sha256, const std::string& annotation_sha256,
                             const VcfScoringOptions& o, const std::string& precision) {
  return "model_sha256=" + model_sha256 + ";annotation_sha256=" + annotation_sha256 +
         ";window=" + std::to_string(o.sites.window) + ";center=" + o.center_name +
         ";context_radius=" + std::to_string(o.sites.context_radius) +
         ";max_kl_window=" + std::to_string(o.scoring.max_kl_radius) +
         ";masked_dp=" + (o.scoring.masked_delta_p ? "1" : "0") + ";precision=" + precision;
}

namespace {
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

// "the model_sha256 is X here, Y in the table" for the first parameter that differs.
std::string first_difference(const std::string& table, const std::string& expected) {
  const auto a = split(table, ';'), b = split(expected, ';');
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string x = i < a.size() ? a[i] : "(none)", y = i < b.size() ? b[i] : "(none)";
    if (x != y) return "the table has " + x + ", this run " + y;
  }
  return "";
}
}  // namespace

struct ScoreTable::State {
  htsFile* file = nullptr;
  tbx_t* index = nullptr;
  mutable kstring_t line{0, 0, nullptr};
  ~State() {
    free(line.s);
    if (index) tbx_destroy(index);
    if (file) hts_close(file);
  }
};

ScoreTable::ScoreTable(const std::string& path, const std::string& expected)
    : state_(std::make_unique<State>()), path_(path) {
  State& s = *state_;
  s.file = hts_open(path.c_str(), "r");
  if (!s.file) fail(path, ": cannot open the score table");
  s.index = tbx_index_load3(path.c_str(), nullptr, HTS_IDX_SILENT_FAIL);
  if (!s.index) fail(path, ": no tabix index (", path, ".tbi); make it with tabix -p vcf ", path);
  std::string found;
  while (hts_getline(s.file, KS_SEP_LINE, &s.line) >= 0 && s.line.l > 0 && s.line.s[0] == '#') {
    const std::string text(s.line.s, s.line.l);
    if (text.starts_with(kTableHeaderKey)) found = text.substr(std::string(kTableHeaderKey).size());
  }
  if (found.empty())
    fail(path, ": not a splicebert score table (no ", std::string(kTableHeaderKey), "... header line)");
  if (found != expected)
    fail(path, ": made with other scoring parameters than this run (", first_difference(found, expected),
         "); make the table again with splicebert precompute, or run without --lookup");
}

ScoreTable::~ScoreTable() = default;

std::optional<ScoreTable::Row> ScoreTable::find(const std::string& contig, int64_t position, char ref, char alt) const {
  State& s = *state_;
  const int tid = tbx_name2id(s.index, contig.c_str());
  if (tid < 0) return std::nullopt;
  hts_itr_t* iterator = tbx_itr_queryi(s.index, tid, position, position + 1);
  if (!iterator) return std::nullopt;
  std::optional<Row> row;
  while (!row && tbx_itr_next(s.file, s.index, iterator, &s.line) >= 0) {
    const auto columns = split(std::string(s.line.s, s.line.l), '\t');
    if (columns.size() < 8)
      fail(path_, ": malformed table line at ", contig, ":", position + 1, " (", columns.size(), " columns)");
    if (std::strtoll(columns[1].c_str(), nullptr, 10) != position + 1 || columns[3] != std::string(1, ref) ||
        columns[4] != std::string(1, alt))
      continue;
    row.emplace();
    for (const std::string& field : split(columns[7], ';')) {
      if (field.starts_with("SpliceBERT=")) row->entries = split(field.substr(11), ',');
      else if (field.starts_with("SB_KL=") && field != "SB_KL=.") row->context_kl = std::strtod(field.c_str() + 6, nullptr);
    }
  }
  hts_itr_destroy(iterator);
  return row;
}

}  // namespace splicebert::variant
