// Fine-tuning examples from FASTA + a label TSV (docs/finetuning.md, "Inputs"):
//   sequence head:  NAME<TAB>VALUE[<TAB>VALUE…]   (class index, 0/1, or regression targets; −100 / NA ignored)
//   token head:     NAME<TAB>LABELS                one character per nucleotide: a digit, or '.' / '-' ignored
//   contact head:   NAME<TAB>I-J,I-J,…             0-based nucleotide pairs in contact (both orders set), every
//                                                  other pair 0, the diagonal ignored
// or the windows of a labelled shard (int8 labels per nucleotide, −100 kept).
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/heads.hpp"

namespace splicebert::finetune {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, '\t')) fields.push_back(field);
  return fields;
}

float parse_value(const std::string& text, const std::string& where) {
  if (text == "NA" || text == "nan" || text == "NaN") return std::numeric_limits<float>::quiet_NaN();
  try {
    size_t used = 0;
    const float value = std::stof(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  fail(where, ": label '", text, "' is not a number");
}

// [l, l] row-major contact labels from "I-J,I-J,…".
std::vector<float> parse_contact_pairs(const std::string& text, int64_t l, const std::string& where) {
  std::vector<float> labels(static_cast<size_t>(l * l), 0.0f);
  for (int64_t i = 0; i < l; ++i) labels[static_cast<size_t>(i * l + i)] = kIgnoreLabel;
  std::stringstream stream(text);
  std::string pair;
  while (std::getline(stream, pair, ',')) {
    if (pair.empty()) continue;
    const size_t dash = pair.find('-');
    int64_t i = -1, j = -1;
    try {
      if (dash != std::string::npos) i = std::stoll(pair.substr(0, dash)), j = std::stoll(pair.substr(dash + 1));
    } catch (const std::exception&) {
    }
    if (i < 0 || j < 0 || i >= l || j >= l) fail(where, ": contact '", pair, "' is not I-J with 0 ≤ I, J < ", l);
    labels[static_cast<size_t>(i * l + j)] = labels[static_cast<size_t>(j * l + i)] = 1.0f;
  }
  return labels;
}

std::vector<float> parse_nucleotide_labels(const std::string& text, const std::string& where) {
  std::vector<float> labels;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') labels.push_back(static_cast<float>(ch - '0'));
    else if (ch == '.' || ch == '-') labels.push_back(kIgnoreLabel);
    else fail(where, ": label character '", ch, "' is neither a digit nor '.' / '-'");
  }
  return labels;
}

// name -> (labels, line) from the TSV.
// name -> (label fields, line) from the TSV; parsed once the sequence length is known.
std::unordered_map<std::string, std::pair<std::vector<std::string>, int64_t>> read_label_lines(
    const FinetuneConfig& c) {
  std::ifstream in(c.labels);
  if (!in) fail(c.labels, ": cannot open the label file");
  std::unordered_map<std::string, std::pair<std::vector<std::string>, int64_t>> table;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = c.labels + ":" + std::to_string(number);
    const auto fields = split_tabs(line);
    if (fields.size() < 2) fail(where, ": expected NAME<TAB>LABEL");
    if (!table.emplace(fields[0], std::make_pair(fields, number)).second)
      fail(where, ": '", fields[0], "' is labelled twice");
  }
  return table;
}

std::vector<float> parse_labels(const FinetuneConfig& c, const std::vector<std::string>& fields, int64_t length,
                                const std::string& where) {
  if (c.head.kind == HeadKind::Token) return parse_nucleotide_labels(fields[1], where);
  if (c.head.kind == HeadKind::Contact) return parse_contact_pairs(fields[1], length, where);
  std::vector<float> labels;
  for (size_t i = 1; i < fields.size(); ++i) labels.push_back(parse_value(fields[i], where));
  const std::string& problem = c.head.problem_type;
  const size_t n = static_cast<size_t>(c.head.num_labels);
  const size_t expected = problem == "regression" || problem == "multilabel" ? n : 1;
  const bool fits = problem.empty() ? labels.size() == 1 || labels.size() == n : labels.size() == expected;
  if (!fits) fail(where, ": ", labels.size(), " label values, the head needs ", expected);
  return labels;
}

// Keeps the middle max_length nucleotides and their labels.
void centre_crop(const FinetuneConfig& c, Example& e) {
  const int64_t length = static_cast<int64_t>(e.sequence.size());
  if (c.max_length > 0 && length > c.max_length) {  // centre crop (labels with it)
    const int64_t start = (length - c.max_length) / 2;
    e.sequence = e.sequence.substr(static_cast<size_t>(start), static_cast<size_t>(c.max_length));
    if (c.head.kind == HeadKind::Token)
      e.labels = std::vector<float>(e.labels.begin() + start, e.labels.begin() + start + c.max_length);
    if (c.head.kind == HeadKind::Contact) {  // the [max_length, max_length] block on the diagonal
      std::vector<float> cropped;
      for (int64_t i = start; i < start + c.max_length; ++i)
        cropped.insert(cropped.end(), e.labels.begin() + i * length + start,
                       e.labels.begin() + i * length + start + c.max_length);
      e.labels = std::move(cropped);
    }
  }
}

void read_window_shard(const FinetuneConfig& c, const std::string& prefix, int fold, std::vector<Example>& examples) {
  const genome::WindowShard shard = genome::WindowShard::open(prefix);
  if (shard.size() > 0 && !shard.has_labels())
    fail(prefix, ": the shard has no labels (write it with --splice-labels or --branchpoint-labels)");
  for (size_t i = 0; i < shard.size(); ++i) {
    Example e;
    e.sequence = std::string(shard.window(i));
    const int8_t* labels = shard.labels(i);
    e.labels.assign(labels, labels + e.sequence.size());
    const genome::WindowOrigin& origin = shard.origin(i);
    e.name = origin.record + "@" + std::to_string(origin.offset);
    centre_crop(c, e);
    e.group = c.group_by == GroupBy::Chrom    ? (origin.genomic.from_header ? origin.genomic.chrom : origin.record)
              : c.group_by == GroupBy::Prefix ? e.name.substr(0, e.name.find('|'))
                                       : e.name;
    e.shard_fold = fold;
    examples.push_back(std::move(e));
  }
}

std::vector<Example> read_window_shards(const FinetuneConfig& c) {
  std::vector<Example> examples;
  if (!c.shard_splits) {
    read_window_shard(c, c.windows, -1, examples);
    if (examples.empty()) fail(c.windows, ": the shard has no windows");
    return examples;
  }
  const char* const names[] = {"test", "valid", "train"};  // index = fold
  for (int fold = 0; fold < 3; ++fold) {
    const size_t before = examples.size();
    read_window_shard(c, c.windows + "." + names[fold], fold, examples);
    if (fold > 0 && examples.size() == before) fail(c.windows, ".", names[fold], ": the shard has no windows");
  }
  return examples;
}

}  // namespace

std::vector<Example> read_examples(const FinetuneConfig& c) {
  if (!c.windows.empty()) return read_window_shards(c);
  auto table = read_label_lines(c);
  std::vector<Example> examples;
  FastaReader reader(c.fasta);
  FastaRecord record;
  while (reader.next(record)) {
    auto it = table.find(record.name);
    if (it == table.end()) fail(c.fasta, ":", record.line, ": '", record.name, "' has no line in ", c.labels);
    Example e;
    e.name = record.name;
    e.sequence = record.sequence;
    const std::string where = c.labels + ":" + std::to_string(it->second.second);
    e.labels = parse_labels(c, it->second.first, static_cast<int64_t>(e.sequence.size()), where);
    table.erase(it);
    if (c.head.kind == HeadKind::Token && e.labels.size() != e.sequence.size())
      fail(where, ": ", e.labels.size(), " nucleotide labels for the ", e.sequence.size(), " nt of '", e.name, "'");
    const int64_t length = static_cast<int64_t>(e.sequence.size());
    centre_crop(c, e);
    e.group = e.name;
    if (c.group_by == GroupBy::Prefix) e.group = e.name.substr(0, e.name.find('|'));
    if (c.group_by == GroupBy::Chrom) {
      const genome::SequenceOrigin origin = genome::parse_sequence_origin(record.name, length);
      if (!origin.from_header)
        fail(c.fasta, ":", record.line, ": group_by chrom needs NAME::CHROM:START-END(STRAND) names, got '",
             record.name, "'");
      e.group = origin.chrom;
    }
    examples.push_back(std::move(e));
  }
  if (examples.empty()) fail(c.fasta, ": no sequences");
  if (!table.empty()) fail(c.labels, ": '", table.begin()->first, "' names no sequence of ", c.fasta);
  return examples;
}

std::string infer_problem_type(const std::vector<Example>& examples, const HeadConfig& head) {
  bool integral = true, binary_values = true, rows_of_n = head.kind == HeadKind::Sequence && head.num_labels > 1;
  for (const Example& e : examples) {
    if (head.kind == HeadKind::Sequence && e.labels.size() != static_cast<size_t>(head.num_labels)) rows_of_n = false;
    for (float v : e.labels) {
      if (v == kIgnoreLabel) continue;
      if (std::isnan(v) || v != std::floor(v)) integral = false;
      if (v != 0.0f && v != 1.0f) binary_values = false;
    }
  }
  if (!integral) return "regression";
  if (head.num_labels == 1) {
    if (!binary_values) fail("finetune: one label whose values are not 0/1: set head.problem_type (regression?)");
    return "binary";
  }
  return rows_of_n && binary_values ? "multilabel" : "multiclass";
}

}  // namespace splicebert::finetune
