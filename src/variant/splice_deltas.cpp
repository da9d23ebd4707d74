// SpliceAI-style deltas (include/splicebert/splice_deltas.hpp; docs/splice-sites.md, "Variant deltas").
#include "splicebert/splice_deltas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>

#include "splicebert/error.hpp"
#include "splicebert/heads.hpp"

namespace splicebert::variant {

bool is_splice_site_model(const ModelConfig& config) {
  return config.head.kind == HeadKind::Token && config.head.num_labels == 3;
}

void require_splice_site_model(const Model& model) {
  if (!is_splice_site_model(model.config()))
    fail(model.source(), ": not a splice-site model (a token head of 3 labels: no_splice, acceptor, donor)");
}

namespace {

// Softmax of each three-logit row, into `out` (rows × 3).
void softmax_rows(const float* logits, int64_t rows, float* out) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* x = logits + i * 3;
    const double top = std::max({x[0], x[1], x[2]});
    double e[3], sum = 0;
    for (int k = 0; k < 3; ++k) sum += e[k] = std::exp(static_cast<double>(x[k]) - top);
    for (int k = 0; k < 3; ++k) out[i * 3 + k] = static_cast<float>(e[k] / sum);
  }
}

// A name inside a ',' / '|' separated INFO value: characters with a meaning there become '_'.
std::string info_safe(std::string text) {
  for (char& c : text)
    if (c == ',' || c == ';' || c == '=' || c == '|' || c == ' ' || c == '\t') c = '_';
  return text.empty() ? "." : text;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::vector<float> splice_probabilities_from_logits(const Tensor& logits) {
  if (logits.shape.size() != 2 || logits.dim(1) != 3) fail("splice-site probabilities need logits [L, 3]");
  std::vector<float> out(static_cast<size_t>(logits.dim(0) * 3));
  softmax_rows(logits.ptr(), logits.dim(0), out.data());
  return out;
}

std::vector<std::vector<float>> splice_site_probabilities(Session& session, const std::vector<std::string>& sequences,
                                                          int64_t max_tokens) {
  const Model& model = session.model();
  require_splice_site_model(model);
  const Tokenizer& tokenizer = model.tokenizer();
  const int64_t max_nt = model.config().max_position_embeddings - 2;
  std::vector<std::vector<float>> out(sequences.size());
  // Identical sequences (a REF shared by several ALT alleles or genes) are run once and copied.
  std::unordered_map<std::string_view, size_t> first;
  std::vector<size_t> unique;
  std::vector<std::vector<int32_t>> ids(sequences.size());
  for (size_t s = 0; s < sequences.size(); ++s)
    if (first.emplace(sequences[s], s).second) {
      unique.push_back(s);
      ids[s] = tokenizer.encode(sequences[s], /*add_special=*/false).ids;
    }
  std::vector<size_t> short_ones;
  for (size_t s : unique) {
    const int64_t L = static_cast<int64_t>(ids[s].size());
    if (L <= max_nt) {
      short_ones.push_back(s);
      continue;
    }
    const Tensor logits = windowed_token_logits(session, ids[s], 0, 0, max_tokens);
    out[s].resize(static_cast<size_t>(L * 3));
    softmax_rows(logits.ptr(), L, out[s].data());
  }
  // Longest first, so that each batch pads little; a batch holds up to max_tokens tokens (at least one sequence).
  std::stable_sort(short_ones.begin(), short_ones.end(),
                   [&](size_t a, size_t b) { return ids[a].size() > ids[b].size(); });
  for (size_t begin = 0; begin < short_ones.size();) {
    const int64_t T = static_cast<int64_t>(ids[short_ones[begin]].size()) + 2;
    const size_t per_batch = static_cast<size_t>(std::max<int64_t>(1, max_tokens / std::max<int64_t>(T, 1)));
    const size_t end = std::min(short_ones.size(), begin + per_batch);
    std::vector<std::vector<int32_t>> batch_ids;
    for (size_t k = begin; k < end; ++k) {
      batch_ids.push_back({tokenizer.cls_id()});
      batch_ids.back().insert(batch_ids.back().end(), ids[short_ones[k]].begin(), ids[short_ones[k]].end());
      batch_ids.back().push_back(tokenizer.eos_id());
    }
    const Batch batch = make_batch(batch_ids, tokenizer.pad_id());
    const Tensor logits = head_logits(model, batch, session.forward(batch, head_forward_options(model.config())));
    const int64_t Lb = logits.dim(1);  // [B, Lb, 3]
    for (size_t k = begin; k < end; ++k) {
      const size_t s = short_ones[k];
      const int64_t L = static_cast<int64_t>(ids[s].size());
      out[s].resize(static_cast<size_t>(L * 3));
      softmax_rows(logits.ptr() + static_cast<int64_t>(k - begin) * Lb * 3, L, out[s].data());
    }
    begin = end;
  }
  for (size_t s = 0; s < sequences.size(); ++s) {
    const size_t source = first.at(sequences[s]);
    if (source != s) out[s] = out[source];
  }
  return out;
}

std::string delta_problem(const AlleleChange& change, int64_t distance) {
  if (change.ref_length < 1 || change.alt_length < 1) return "UNSUPPORTED_ALLELE";
  if (change.ref_length != change.alt_length && change.ref_length > 1 && change.alt_length > 1)
    return "UNSUPPORTED_ALLELE";  // neither an SNV/MNV nor a simple indel: SpliceAI leaves these unscored
  if (change.ref_length > 2 * distance) return "REF_TOO_LONG";
  return "";
}

SpliceDeltas splice_deltas(const std::vector<float>& ref, const std::vector<float>& alt, const AlleleChange& change,
                           int64_t distance) {
  const int64_t ref_L = static_cast<int64_t>(ref.size() / 3), alt_L = static_cast<int64_t>(alt.size() / 3);
  const int64_t a = change.anchor, r = change.ref_length, q = change.alt_length;
  if (alt_L != ref_L - r + q) fail("splice deltas: ALT has ", alt_L, " positions, expected ", ref_L - r + q);
  if (!delta_problem(change, distance).empty()) fail("splice deltas: ", delta_problem(change, distance));
  // The ALT value aligned to REF position i (NaN when it falls outside the ALT sequence).
  auto alt_at = [&](int64_t i, int channel) -> double {
    auto at = [&](int64_t j) { return j >= 0 && j < alt_L ? static_cast<double>(alt[j * 3 + channel]) : NAN; };
    if (r == q) return at(i);                    // SNV / MNV: same coordinates
    if (r > q) {                                 // deletion: ALT has q bases where REF has r
      if (i < a + q) return at(i);
      if (i < a + r) return 0.0;                 // deleted position: filler 0
      return at(i - (r - q));
    }
    if (i < a) return at(i);                     // insertion (r == 1)
    if (i > a) return at(i + (q - r));
    double best = -INFINITY;                     // the anchor: max over it and the inserted bases
    for (int64_t j = a; j < a + q; ++j) best = std::max(best, at(j));
    return best;
  };
  SpliceDeltas d;
  std::array<double, 4> best;
  best.fill(-INFINITY);
  for (int64_t i = std::max<int64_t>(0, a - distance); i <= std::min(ref_L - 1, a + distance); ++i)
    for (int channel : {kAcceptor, kDonor}) {
      const double before = ref[i * 3 + channel], after = alt_at(i, channel);
      if (std::isnan(after)) continue;
      const int gain = channel == kAcceptor ? kAcceptorGain : kDonorGain;
      for (int kind : {gain, gain + 1}) {
        const double value = kind == gain ? after - before : before - after;
        if (value > best[kind]) {  // strict: ties keep the lowest position
          best[kind] = value;
          d.score[kind] = value;
          d.offset[kind] = i - a;
          d.ref_probability[kind] = before;
          d.alt_probability[kind] = after;
        }
      }
    }
  return d;
}

const char* const kSpliceAiFormat = "ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL";

std::string spliceai_entry(const std::string& allele, const std::string& symbol,
                           const std::optional<SpliceDeltas>& deltas) {
  std::string entry = allele + "|" + symbol;
  if (!deltas) return entry + "|.|.|.|.|.|.|.|.";
  char buffer[32];
  for (double score : deltas->score) {
    std::snprintf(buffer, sizeof buffer, "|%.2f", score);
    entry += buffer;
  }
  for (int64_t offset : deltas->offset) entry += "|" + std::to_string(offset);
  return entry;
}

std::string spliceai_info_header(int64_t distance) {
  return "##INFO=<ID=SpliceBERT_DS,Number=.,Type=String,Description=\"SpliceBERT splice-site model variant deltas "
         "in SpliceAI's layout (docs/splice-sites.md): per ALT allele and gene, the largest increase (gain) or "
         "decrease "
         "(loss) of the acceptor (AG, AL) and donor (DG, DL) probability within " +
         std::to_string(distance) +
         " nt of the variant (DS, two decimals; the max over the gene's transcripts) and the offset of that position "
         "from the variant in nt on the + strand (DP). Format: " +
         kSpliceAiFormat + "\">";
}

nlohmann::json splice_variant_effects(const SpliceDeltas& deltas, int64_t variant_position, const std::string& ref,
                                      const std::string& alt) {
  nlohmann::json effects = nlohmann::json::array();
  for (int kind = 0; kind < 4; ++kind) {
    const bool gain = kind == kAcceptorGain || kind == kDonorGain;
    effects.push_back({{"position", variant_position + deltas.offset[kind]},
                       {"reference_nucleotide", ref},
                       {"alternative_nucleotide", alt},
                       {"channel", kind < kDonorGain ? "acceptor" : "donor"},
                       {"delta_score", deltas.alt_probability[kind] - deltas.ref_probability[kind]},
                       {"direction", gain ? "gain" : "loss"},
                       {"reference_score", deltas.ref_probability[kind]},
                       {"alternative_score", deltas.alt_probability[kind]}});
  }
  return effects;
}

namespace {

// The nucleotides of one model window each side of the change, at least `distance`.
int64_t flank_for(const Model& model, const AlleleChange& change, const SpliceDeltaOptions& options) {
  if (options.flank > 0) return std::max(options.flank, options.distance);
  const int64_t max_nt = model.config().max_position_embeddings - 2;
  return std::max(options.distance, (max_nt - std::max(change.ref_length, change.alt_length)) / 2);
}

// Reverses the positions of an [L*3] array (channels kept): transcript orientation -> genomic order.
void reverse_rows(std::vector<float>& rows) {
  const size_t L = rows.size() / 3;
  for (size_t i = 0; i < L / 2; ++i)
    for (size_t k = 0; k < 3; ++k) std::swap(rows[i * 3 + k], rows[(L - 1 - i) * 3 + k]);
}

bool plain_bases(const std::string& allele) {
  return !allele.empty() && std::all_of(allele.begin(), allele.end(), [](char c) {
    return std::string_view("ACGTUNacgtun").find(c) != std::string_view::npos;
  });
}

// The larger of two deltas, score by score (a gene with transcripts on both strands).
void keep_larger(SpliceDeltas& into, const SpliceDeltas& other) {
  for (int k = 0; k < 4; ++k)
    if (other.score[k] > into.score[k]) {
      into.score[k] = other.score[k];
      into.offset[k] = other.offset[k];
      into.ref_probability[k] = other.ref_probability[k];
      into.alt_probability[k] = other.alt_probability[k];
    }
}

}  // namespace

std::vector<std::vector<GeneDeltas>> score_site_deltas(Session& session, const std::vector<Site>& sites,
                                                       genome::Reference& reference,
                                                       const TranscriptIndex& transcripts,
                                                       const SpliceDeltaOptions& options) {
  require_splice_site_model(session.model());
  struct Job {
    size_t site, gene_entry;
    bool minus;
    AlleleChange change;  // in the REF sequence, genomic order
    size_t ref_sequence, alt_sequence;
  };
  std::vector<std::vector<GeneDeltas>> out(sites.size());
  std::vector<std::string> sequences;
  std::vector<Job> jobs;
  for (size_t s = 0; s < sites.size(); ++s) {
    const Site& site = sites[s];
    const int contig = reference.find_contig(site.chrom);
    if (contig < 0) continue;
    const int64_t length = reference.contig_length(contig), p = site.position;
    const std::string ref = upper(site.ref);
    const auto r = static_cast<int64_t>(ref.size());
    if (r == 0 || p < 0 || p + r > length) continue;
    std::string genome_ref;
    reference.append(contig, p, p + r, genome_ref);
    if (upper(genome_ref) != ref) continue;
    // Genes overlapping the variant, in the order of their first transcript, with the strands they are on.
    std::vector<std::pair<std::string, std::vector<bool>>> genes;  // symbol -> {plus seen, minus seen}
    for (const genome::TranscriptModel* t : transcripts.overlapping(contig, p)) {
      const std::string& symbol = !t->gene_name.empty() ? t->gene_name : t->gene.empty() ? t->name : t->gene;
      auto it = std::find_if(genes.begin(), genes.end(), [&](const auto& g) { return g.first == symbol; });
      if (it == genes.end()) it = genes.insert(genes.end(), {symbol, {false, false}});
      it->second[t->strand == '-' ? 1 : 0] = true;
    }
    for (size_t a = 0; a < site.alts.size(); ++a) {
      const std::string alt = upper(site.alts[a]);
      const AlleleChange allele{p, r, static_cast<int64_t>(alt.size())};
      const bool scorable = plain_bases(alt) && delta_problem(allele, options.distance).empty();
      std::string ref_window[2], alt_window[2];
      for (const auto& [symbol, strands] : genes) {
        out[s].push_back({a, symbol, std::nullopt});
        if (!scorable) continue;
        for (int minus = 0; minus < 2; ++minus) {
          if (!strands[minus]) continue;
          const int64_t flank = flank_for(session.model(), allele, options);
          const int64_t start = std::max<int64_t>(0, p - flank), end = std::min(length, p + r + flank);
          std::string ref_seq;
          reference.append(contig, start, end, ref_seq);
          ref_seq = upper(ref_seq);
          const int64_t anchor = p - start;
          std::string alt_seq = ref_seq.substr(0, static_cast<size_t>(anchor)) + alt +
                                ref_seq.substr(static_cast<size_t>(anchor + r));
          if (minus) {
            genome::reverse_complement(ref_seq);
            genome::reverse_complement(alt_seq);
          }
          jobs.push_back({s, out[s].size() - 1, minus == 1, {anchor, r, allele.alt_length}, sequences.size(),
                          sequences.size() + 1});
          sequences.push_back(std::move(ref_seq));
          sequences.push_back(std::move(alt_seq));
        }
      }
    }
  }
  std::vector<std::vector<float>> probabilities = splice_site_probabilities(session, sequences, options.max_tokens);
  for (const Job& job : jobs) {
    std::vector<float>& ref = probabilities[job.ref_sequence];
    std::vector<float>& alt = probabilities[job.alt_sequence];
    std::vector<float> ref_genomic = ref, alt_genomic = alt;  // a REF may serve several jobs: reverse copies
    if (job.minus) {
      reverse_rows(ref_genomic);
      reverse_rows(alt_genomic);
    }
    const SpliceDeltas d = splice_deltas(ref_genomic, alt_genomic, job.change, options.distance);
    std::optional<SpliceDeltas>& slot = out[job.site][job.gene_entry].deltas;
    if (!slot) slot = d;
    else keep_larger(*slot, d);
  }
  return out;
}

std::vector<std::string> spliceai_entries(const std::vector<std::string>& alts, const std::vector<GeneDeltas>& genes) {
  std::vector<std::string> entries;
  for (const GeneDeltas& g : genes)
    entries.push_back(spliceai_entry(info_safe(alts.at(g.alt)), info_safe(g.symbol), g.deltas));
  return entries;
}

nlohmann::json site_deltas_json(const Site& site, const std::vector<GeneDeltas>& genes) {
  nlohmann::json out = nlohmann::json::array();
  for (const GeneDeltas& g : genes) {
    const std::string& alt = site.alts.at(g.alt);
    nlohmann::json effects = nlohmann::json::array();
    if (g.deltas) effects = splice_variant_effects(*g.deltas, site.position + 1, upper(site.ref), upper(alt));
    out.push_back({{"allele", alt},
                   {"symbol", g.symbol},
                   {"spliceai", spliceai_entry(info_safe(alt), info_safe(g.symbol), g.deltas)},
                   {"effects", effects}});
  }
  return out;
}

std::optional<AlleleChange> pair_allele_change(const std::string& ref_text, const std::string& alt_text,
                                               std::string* problem) {
  const std::string ref = upper(ref_text), alt = upper(alt_text);
  auto same = [](char x, char y) { return x == y || (x == 'T' && y == 'U') || (x == 'U' && y == 'T'); };
  const int64_t Lr = static_cast<int64_t>(ref.size()), La = static_cast<int64_t>(alt.size());
  const int64_t shorter = std::min(Lr, La);
  int64_t prefix = 0, suffix = 0;
  // The shared suffix first, so that an indel in a repeat is placed leftmost (VCF normalisation).
  while (suffix < shorter && same(ref[Lr - 1 - suffix], alt[La - 1 - suffix])) ++suffix;
  while (prefix < shorter - suffix && same(ref[prefix], alt[prefix])) ++prefix;
  const int64_t r = Lr - prefix - suffix, q = La - prefix - suffix;
  auto refuse = [&](const char* why) -> std::optional<AlleleChange> {
    if (problem) *problem = why;
    return std::nullopt;
  };
  if (r == 0 && q == 0) return refuse("NO_CHANGE");
  AlleleChange change{prefix, r, q};
  if (r == 0 || q == 0) {  // a pure indel: VCF style, with the base before it as anchor
    if (prefix == 0) return refuse("UNSUPPORTED_ALLELE");
    change = {prefix - 1, r + 1, q + 1};
  }
  if (change.ref_length != change.alt_length && change.ref_length > 1 && change.alt_length > 1)
    return refuse("UNSUPPORTED_ALLELE");
  if (problem) problem->clear();
  return change;
}

std::string pair_delta_columns(const PairDeltas& pair) {
  std::string text = pair.status;
  for (int k = 0; k < 4; ++k) text += "\t" + (pair.deltas ? format_score(pair.deltas->score[k]) : std::string("."));
  for (int k = 0; k < 4; ++k) text += "\t" + (pair.deltas ? std::to_string(pair.deltas->offset[k]) : std::string("."));
  return text;
}

nlohmann::json pair_deltas_json(const std::vector<SequencePair>& pairs, const std::vector<PairDeltas>& deltas) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < pairs.size() && i < deltas.size(); ++i) {
    const AlleleChange& c = deltas[i].change;
    nlohmann::json effects = nlohmann::json::array();
    auto allele = [&](const std::string& sequence, int64_t length) {
      return upper(sequence.substr(static_cast<size_t>(c.anchor), static_cast<size_t>(length)));
    };
    if (deltas[i].deltas)
      effects = splice_variant_effects(*deltas[i].deltas, c.anchor, allele(pairs[i].ref, c.ref_length),
                                       allele(pairs[i].alt, c.alt_length));
    out.push_back({{"id", pairs[i].id}, {"status", deltas[i].status}, {"effects", effects}});
  }
  return out;
}

std::vector<PairDeltas> score_pair_deltas(Session& session, const std::vector<SequencePair>& pairs,
                                          const SpliceDeltaOptions& options) {
  require_splice_site_model(session.model());
  std::vector<PairDeltas> out(pairs.size());
  std::vector<std::string> sequences;
  std::vector<size_t> scored;
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string problem;
    const auto change = pair_allele_change(pairs[i].ref, pairs[i].alt, &problem);
    if (change && !(problem = delta_problem(*change, options.distance)).empty()) {}
    if (!problem.empty()) {
      out[i].status = problem;
      continue;
    }
    out[i].change = *change;
    scored.push_back(i);
    sequences.push_back(upper(pairs[i].ref));
    sequences.push_back(upper(pairs[i].alt));
  }
  const auto probabilities = splice_site_probabilities(session, sequences, options.max_tokens);
  for (size_t k = 0; k < scored.size(); ++k)
    out[scored[k]].deltas =
        splice_deltas(probabilities[2 * k], probabilities[2 * k + 1], out[scored[k]].change, options.distance);
  return out;
}

}  // namespace splicebert::variant
