// ReduceLROnPlateau as torch.optim.lr_scheduler implements it for mode "min" and threshold_mode "rel".
#include <algorithm>

#include "splicebert/train.hpp"

namespace splicebert::train {

bool ReduceLROnPlateau::step(double metric) {
  ++epochs_;
  if (!has_best_ || metric < best_ * (1.0 - options_.threshold)) {
    best_ = metric;
    has_best_ = true;
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    bad_epochs_ = 0;
  }
  if (bad_epochs_ <= options_.patience) return false;
  bad_epochs_ = 0;
  cooldown_counter_ = options_.cooldown;
  const double reduced = std::max(lr_ * options_.factor, options_.min_lr);
  if (lr_ - reduced <= 1e-8) return false;  // torch's eps: changes smaller than this are ignored
  lr_ = reduced;
  return true;
}

ReduceLROnPlateau::State ReduceLROnPlateau::state() const {
  return State{lr_, best_, has_best_, bad_epochs_, cooldown_counter_, epochs_};
}

void ReduceLROnPlateau::restore(const State& s) {
  lr_ = s.lr;
  best_ = s.best;
  has_best_ = s.has_best;
  bad_epochs_ = s.bad_epochs;
  cooldown_counter_ = s.cooldown_counter;
  epochs_ = s.epochs;
}

}  // namespace splicebert::train
