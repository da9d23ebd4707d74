// Feature extraction (docs/model.md, "Pipelines"): records batched by a token budget, long records cut into overlapping windows whose
// per-nucleotide outputs are stitched back, each nucleotide taken from the window in which it is most central.
#include <algorithm>
#include <cstring>
#include <cmath>
#include <numeric>

#include "splicebert/error.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert {

std::vector<Window> plan_windows(int64_t nucleotides, int64_t window, int64_t stride) {
  if (window < 1) fail("window must be at least 1 nucleotide");
  if (stride < 1 || stride > window) fail("stride must be between 1 and the window (", window, ")");
  std::vector<Window> windows;
  if (nucleotides <= window) return {{0, nucleotides}};
  for (int64_t start = 0;; start += stride) {
    if (start + window >= nucleotides) {
      windows.push_back({nucleotides - window, window});  // the last window ends exactly at the record's end
      break;
    }
    windows.push_back({start, window});
  }
  return windows;
}

int64_t default_stride(int64_t window) { return std::max<int64_t>(1, window - std::min<int64_t>(128, window / 2)); }

std::vector<uint32_t> window_owners(const std::vector<Window>& windows, int64_t nucleotides) {
  std::vector<uint32_t> owner(static_cast<size_t>(nucleotides), 0);
  std::vector<int64_t> best(static_cast<size_t>(nucleotides), -1);
  for (size_t w = 0; w < windows.size(); ++w) {
    const Window& win = windows[w];
    for (int64_t i = win.start; i < win.start + win.length; ++i) {
      const int64_t centrality = std::min(i - win.start, win.start + win.length - 1 - i);
      if (centrality > best[static_cast<size_t>(i)]) {
        best[static_cast<size_t>(i)] = centrality;
        owner[static_cast<size_t>(i)] = static_cast<uint32_t>(w);
      }
    }
  }
  return owner;
}

namespace {

struct WorkItem {
  size_t record = 0, window = 0;
  Window span;
};

// Copies row `from_row` of a [B, T, X] tensor's batch row b into row `to_row` of dst [rows, X].
void copy_row(const Tensor& src, int64_t b, int64_t from_row, float* dst, int64_t to_row) {
  const int64_t T = src.dim(1), X = src.dim(2);
  std::memcpy(dst + to_row * X, src.ptr() + (b * T + from_row) * X, sizeof(float) * X);
}

}  // namespace

std::vector<Embedding> embed(Session& session, const std::vector<std::vector<int32_t>>& records,
                             const EmbedOptions& options) {
  const Model& model = session.model();
  const ModelConfig& c = model.config();
  const Tokenizer& tokenizer = model.tokenizer();
  const int64_t max_nt = c.max_position_embeddings - 2;
  const int64_t window = options.window > 0 ? options.window : max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  const int64_t stride = options.stride > 0 ? options.stride : default_stride(window);
  const int64_t C = c.hidden_size, V = c.vocab_size, layers = c.num_hidden_layers;

  // Plan windows and output tensors.
  std::vector<std::vector<Window>> plans(records.size());
  std::vector<std::vector<uint32_t>> owner(records.size());
  std::vector<Embedding> results(records.size());
  std::vector<WorkItem> items;
  for (size_t r = 0; r < records.size(); ++r) {
    const int64_t L = static_cast<int64_t>(records[r].size());
    plans[r] = plan_windows(L, window, stride);
    owner[r] = window_owners(plans[r], L);
    if (options.attentions && plans[r].size() > 1)
      fail("record ", r + 1, ": attention maps need the record to fit in one window (", L, " > ", window, " nt)");
    const int64_t rows = L + (options.keep_special ? 2 : 0);
    Embedding& e = results[r];
    e.windows = static_cast<int64_t>(plans[r].size());
    e.last_hidden_state = Tensor({rows, C});
    if (options.all_layers) e.hidden_states = Tensor({layers + 1, rows, C});
    if (options.logits) e.logits = Tensor({rows, V});
    if (options.pooling != Pooling::None) e.pooled = Tensor({C});
    for (size_t w = 0; w < plans[r].size(); ++w) items.push_back({r, w, plans[r][w]});
  }
  // Longest first under the token budget (the one batcher): a batch's padding stays small.
  std::vector<int64_t> tokens;
  for (const WorkItem& item : items) tokens.push_back(item.span.length + 2);
  const BatchPlan plan = plan_token_batches(tokens, options.max_tokens);

  ForwardOptions forward{.hidden_states = options.all_layers, .attentions = options.attentions,
                         .mlm_logits = options.logits};
  for (const auto& [begin, end] : plan.groups) {
    const int64_t T = tokens[plan.order[begin]];
    std::vector<std::vector<int32_t>> batch_ids;
    for (size_t i = begin; i < end; ++i) {
      const WorkItem& item = items[plan.order[i]];
      const auto& rec = records[item.record];
      batch_ids.push_back(tokenizer.with_special_tokens(
          std::span<const int32_t>(rec.data() + item.span.start, static_cast<size_t>(item.span.length))));
    }
    const ForwardOutput& out = session.forward(make_batch(batch_ids, tokenizer.pad_id()), forward);
    for (size_t i = begin; i < end; ++i) {
      const WorkItem& item = items[plan.order[i]];
      const int64_t b = static_cast<int64_t>(i - begin);
      Embedding& e = results[item.record];
      const int64_t L = static_cast<int64_t>(records[item.record].size());
      const int64_t shift = options.keep_special ? 1 : 0;
      auto scatter = [&](int64_t from_token, int64_t to_row) {
        copy_row(out.last_hidden_state, b, from_token, e.last_hidden_state.ptr(), to_row);
        if (options.logits) copy_row(out.mlm_logits, b, from_token, e.logits.ptr(), to_row);
        for (int64_t l = 0; options.all_layers && l <= layers; ++l)
          copy_row(out.hidden_states[l], b, from_token, e.hidden_states.ptr() + l * e.hidden_states.dim(1) * C, to_row);
      };
      for (int64_t i_nt = item.span.start; i_nt < item.span.start + item.span.length; ++i_nt)
        if (owner[item.record][i_nt] == item.window) scatter(i_nt - item.span.start + 1, i_nt + shift);
      if (options.keep_special && item.window == 0) scatter(0, 0);
      if (options.pooling == Pooling::Cls && item.window == 0) copy_row(out.last_hidden_state, b, 0, e.pooled.ptr(), 0);
      if (options.keep_special && item.window + 1 == plans[item.record].size())
        scatter(item.span.length + 1, L + 1);
      if (options.attentions) {
        const int64_t NH = c.num_attention_heads, Tw = item.span.length + 2;
        e.attentions = Tensor({layers, NH, Tw, Tw});
        for (int64_t l = 0; l < layers; ++l)
          for (int64_t h = 0; h < NH; ++h)
            for (int64_t q = 0; q < Tw; ++q)
              std::memcpy(e.attentions.ptr() + ((l * NH + h) * Tw + q) * Tw,
                          out.attentions[l].ptr() + ((b * NH + h) * T + q) * T, sizeof(float) * Tw);
      }
    }
  }

  // Pooling over the stitched nucleotide rows (never <cls>/<eos>, never padding).
  if (options.pooling == Pooling::Mean || options.pooling == Pooling::Max) {
    for (size_t r = 0; r < records.size(); ++r) {
      Embedding& e = results[r];
      const int64_t L = static_cast<int64_t>(records[r].size()), shift = options.keep_special ? 1 : 0;
      if (L == 0) continue;
      for (int64_t ch = 0; ch < C; ++ch) {
        double acc = options.pooling == Pooling::Max ? -INFINITY : 0.0;
        for (int64_t i = 0; i < L; ++i) {
          double v = e.last_hidden_state.data[(i + shift) * C + ch];
          acc = options.pooling == Pooling::Max ? std::max(acc, v) : acc + v;
        }
        e.pooled.data[ch] = static_cast<float>(options.pooling == Pooling::Max ? acc : acc / static_cast<double>(L));
      }
    }
  }
  if (options.normalize && options.pooling != Pooling::None)
    for (Embedding& e : results) l2_normalize(e.pooled);
  if (!options.per_nucleotide)
    for (Embedding& e : results) e.last_hidden_state = Tensor();
  return results;
}

void l2_normalize(Tensor& vector) {
  double squares = 0;
  for (float v : vector.data) squares += static_cast<double>(v) * v;
  if (squares == 0) return;  // the zero vector (an empty record) has no direction; it stays zero
  const double scale = 1.0 / std::sqrt(squares);
  for (float& v : vector.data) v = static_cast<float>(v * scale);
}

void embed_in_groups(Session& session, const std::vector<std::vector<int32_t>>& records, const EmbedOptions& options,
                     int64_t group_nucleotides, const std::function<void(size_t, Embedding&)>& sink) {
  for (size_t begin = 0; begin < records.size();) {
    size_t end = begin;
    int64_t nucleotides = 0;
    while (end < records.size() && (end == begin || nucleotides + static_cast<int64_t>(records[end].size()) <=
                                                        group_nucleotides))
      nucleotides += static_cast<int64_t>(records[end++].size());
    const std::vector<std::vector<int32_t>> group(records.begin() + static_cast<std::ptrdiff_t>(begin),
                                                  records.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<Embedding> results = embed(session, group, options);
    for (size_t i = 0; i < results.size(); ++i) sink(begin + i, results[i]);
    begin = end;
  }
}

}  // namespace splicebert
