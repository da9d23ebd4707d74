// Folds for fine-tuning: grouped (every example of a group, e.g. a chromosome, in one fold: no leakage between
// train and test), stratified (each class dealt round-robin so folds keep the class balance), or plain shuffled;
// or given: a split TSV's train / validation / test sets.
#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>

#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"
#include "splicebert/train.hpp"

namespace splicebert::finetune {

namespace {

template <typename T>
void shuffle(std::vector<T>& items, train::Rng& rng) {  // Fisher-Yates on our own generator: same on every platform
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

}  // namespace

std::vector<int> split_folds(const std::vector<Example>& examples, const std::string& path) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < examples.size(); ++i)
    if (!index.emplace(examples[i].name, i).second)
      fail(path, ": the example name '", examples[i].name, "' occurs twice, so a split cannot name it");
  std::vector<int> fold(examples.size(), -1);
  std::istringstream text(read_file_text(path));
  int64_t line_number = 0;
  for (std::string line; std::getline(text, line);) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) fail(path, ":", line_number, ": expected NAME<TAB>train|validation|test");
    const std::string name = line.substr(0, tab), set = line.substr(tab + 1);
    const int f = set == "test" ? 0 : set == "validation" ? 1 : set == "train" ? 2 : -1;
    if (f < 0) fail(path, ":", line_number, ": set '", set, "' of '", name, "' is not train, validation or test");
    const auto it = index.find(name);
    if (it == index.end()) fail(path, ":", line_number, ": '", name, "' is not an example");
    if (fold[it->second] >= 0) fail(path, ":", line_number, ": '", name, "' is named twice");
    fold[it->second] = f;
  }
  const auto missing = std::count(fold.begin(), fold.end(), -1);
  if (missing > 0)
    fail(path, ": ", missing, " example(s) not in the split, e.g. '",
         examples[static_cast<size_t>(std::find(fold.begin(), fold.end(), -1) - fold.begin())].name, "'");
  return fold;
}

std::vector<int> assign_folds(const std::vector<Example>& examples, const FinetuneConfig& c, uint64_t seed) {
  if (!c.split.empty()) return split_folds(examples, c.split);
  if (c.shard_splits) {  // read_examples set each window's fold from its shard
    std::vector<int> fold;
    for (const Example& e : examples) fold.push_back(e.shard_fold);
    return fold;
  }
  train::Rng rng(train::derive_seed(seed, 0xF01D5));
  std::vector<int> fold(examples.size(), 0);
  if (c.group_by != GroupBy::None) {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < examples.size(); ++i) groups[examples[i].group].push_back(i);
    if (static_cast<int>(groups.size()) < c.folds)
      fail("finetune: ", groups.size(), " groups (", group_by_name(c.group_by), ") cannot fill ", c.folds, " folds");
    std::vector<const std::vector<size_t>*> order;
    for (const auto& [name, members] : groups) order.push_back(&members);
    shuffle(order, rng);
    std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
    std::vector<size_t> load(static_cast<size_t>(c.folds), 0);
    for (const auto* members : order) {  // largest groups first, each to the emptiest fold
      const size_t target = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      for (size_t i : *members) fold[i] = static_cast<int>(target);
      load[target] += members->size();
    }
    return fold;
  }
  std::vector<size_t> order(examples.size());
  std::iota(order.begin(), order.end(), size_t{0});
  shuffle(order, rng);
  const bool by_class = c.stratify && c.head.kind == HeadKind::Sequence &&
                        (c.head.problem_type == "binary" || c.head.problem_type == "multiclass");
  if (by_class)
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return examples[a].labels[0] < examples[b].labels[0]; });
  for (size_t k = 0; k < order.size(); ++k) fold[order[k]] = static_cast<int>(k % static_cast<size_t>(c.folds));
  return fold;
}

}  // namespace splicebert::finetune
