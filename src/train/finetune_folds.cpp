// Folds for fine-tuning: grouped (every example of a group, e.g. a chromosome, in one fold: no leakage between
// train and test), stratified (each class dealt round-robin so folds keep the class balance), or plain shuffled.
#include <algorithm>
#include <map>
#include <numeric>

#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/train.hpp"

namespace splicebert::finetune {

namespace {

template <typename T>
void shuffle(std::vector<T>& items, train::Rng& rng) {  // Fisher-Yates on our own generator: same on every platform
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

}  // namespace

std::vector<int> assign_folds(const std::vector<Example>& examples, const FinetuneConfig& c, uint64_t seed) {
  train::Rng rng(train::derive_seed(seed, 0xF01D5));
  std::vector<int> fold(examples.size(), 0);
  if (c.group_by != "none") {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < examples.size(); ++i) groups[examples[i].group].push_back(i);
    if (static_cast<int>(groups.size()) < c.folds)
      fail("finetune: ", groups.size(), " groups (", c.group_by, ") cannot fill ", c.folds, " folds");
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
