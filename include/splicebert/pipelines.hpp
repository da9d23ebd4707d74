// The user-facing pipelines of docs/model.md, "Pipelines" on top of Session: fill-mask and feature extraction, including long inputs
// cut into overlapping windows and stitched back (each nucleotide taken from the window where it is most central).
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "splicebert/model.hpp"

namespace splicebert {

// ---- fill-mask ----------------------------------------------------------------------------------------------------
struct FillMaskCandidate {
  double score = 0;
  int token = 0;
  std::string token_str;
  std::string sequence;  // the input with this mask filled: upper-case tokens joined by spaces, no special tokens
};
struct FillMaskOptions {
  int top_k = 5;
  bool nucleotides_only = false;  // candidates restricted to A, C, G, U
  bool t_to_u = true;             // false: T stays T (MultiMolecule's replace_T_with_U=False; T is then <unk>)
};
// One candidate list per <mask> in `text`, in order. Throws if the text has no mask.
std::vector<std::vector<FillMaskCandidate>> fill_mask(Session& session, std::string_view text,
                                                      const FillMaskOptions& options);

// ---- feature extraction ---------------------------------------------------------------------------------------
enum class Pooling { None, Mean, Cls, Max };

struct EmbedOptions {
  bool all_layers = false;    // hidden_states [layers+1, rows, C]
  Pooling pooling = Pooling::None;
  bool attentions = false;    // [layers, NH, T, T]; needs the record to fit in one window
  bool logits = false;        // [rows, V]
  bool keep_special = false;  // rows = T (with <cls>/<eos>) instead of L nucleotides
  int64_t window = 0;         // nucleotides per window; 0 = the model's maximum
  int64_t stride = 0;         // 0 = window - 128 (128 nucleotides of overlap)
  int64_t max_tokens = 16384; // token budget per forward batch
  bool normalize = false;     // scale each pooled vector to unit L2 norm (a zero vector stays zero)
  bool per_nucleotide = true; // false: last_hidden_state is dropped once pooled (pooled vectors only)
};

struct Embedding {
  Tensor last_hidden_state;  // [rows, C]
  Tensor hidden_states;      // [layers+1, rows, C]
  Tensor pooled;             // [C]
  Tensor attentions;         // [layers, NH, T, T]
  Tensor logits;             // [rows, V]
  int64_t windows = 1;
};

// Windows [start, start + length) covering `nucleotides` with the given window and stride (docs/model.md, "Pipelines").
struct Window {
  int64_t start = 0, length = 0;
};
std::vector<Window> plan_windows(int64_t nucleotides, int64_t window, int64_t stride);
// The stride used when none is given: 128 nt of overlap (half the window for windows under 256 nt).
int64_t default_stride(int64_t window);
// For each nucleotide, the index of the window in which it is farthest from either edge (the earlier window on
// ties): the rule by which windowed per-nucleotide outputs are stitched back.
std::vector<uint32_t> window_owners(const std::vector<Window>& windows, int64_t nucleotides);

// `records` are token ids WITHOUT <cls>/<eos>. Records are batched by token budget (sorted by length, results in
// input order); results do not depend on how records are grouped.
std::vector<Embedding> embed(Session& session, const std::vector<std::vector<int32_t>>& records,
                             const EmbedOptions& options);
// The same, a group of records at a time (consecutive records up to `group_nucleotides`, at least one): each
// record's result goes to `sink(index, embedding)` in input order and is then dropped, so memory is one group's
// outputs whatever the number of records (a single record still needs its whole output).
void embed_in_groups(Session& session, const std::vector<std::vector<int32_t>>& records, const EmbedOptions& options,
                     int64_t group_nucleotides, const std::function<void(size_t, Embedding&)>& sink);
void l2_normalize(Tensor& vector);
// One pooled vector as a line of text, ending in '\n': "name<TAB>v1<TAB>v2..." (tsv) or
// {"name": ..., "pooled": [...]} (jsonl); values printed with 9 significant digits (float32 round trip).
std::string pooled_vector_line(const std::string& name, const Tensor& pooled, bool json);

}  // namespace splicebert
