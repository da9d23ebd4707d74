// AdamW exactly as torch.optim.AdamW (single-tensor path) computes it, and global-norm gradient clipping.
#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/train.hpp"

namespace splicebert::train {

void AdamW::step(ParameterStore& store, double lr) {
  ++steps_;
  const AdamWOptions& o = options_;
  const double bias1 = 1.0 - std::pow(o.beta1, static_cast<double>(steps_));
  const double bias2_sqrt = std::sqrt(1.0 - std::pow(o.beta2, static_cast<double>(steps_)));
  const double step_size = lr / bias1, decay = 1.0 - lr * o.weight_decay;
  for (auto& [name, param] : store.parameters()) {
    const Tensor& grad = store.gradient(name);
    Tensor& m = exp_avg_[name];
    Tensor& v = exp_avg_sq_[name];
    if (m.shape != param.shape) m = Tensor(param.shape);
    if (v.shape != param.shape) v = Tensor(param.shape);
    float* p = param.ptr();
    const float* g = grad.ptr();
    float* mp = m.ptr();
    float* vp = v.ptr();
    const int64_t n = param.numel();
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      const double gi = g[i];
      const double mi = o.beta1 * mp[i] + (1.0 - o.beta1) * gi;
      const double vi = o.beta2 * vp[i] + (1.0 - o.beta2) * gi * gi;
      mp[i] = static_cast<float>(mi);
      vp[i] = static_cast<float>(vi);
      const double denom = std::sqrt(static_cast<double>(vp[i])) / bias2_sqrt + o.eps;
      p[i] = static_cast<float>(static_cast<double>(p[i]) * decay - step_size * static_cast<double>(mp[i]) / denom);
    }
  }
}

TensorMap AdamW::state_tensors() const {
  TensorMap out;
  for (const auto& [name, m] : exp_avg_) out["exp_avg." + name] = m;
  for (const auto& [name, v] : exp_avg_sq_) out["exp_avg_sq." + name] = v;
  return out;
}

void AdamW::restore(int64_t steps, const TensorMap& tensors, const ParameterStore& store, const std::string& source) {
  exp_avg_.clear();
  exp_avg_sq_.clear();
  steps_ = steps;
  for (const auto& [name, param] : store.parameters()) {
    for (auto [prefix, target] : {std::pair{"exp_avg.", &exp_avg_}, std::pair{"exp_avg_sq.", &exp_avg_sq_}}) {
      auto it = tensors.find(prefix + name);
      if (it == tensors.end()) {
        if (steps > 0) fail(source, ": no optimiser moment ", prefix, name);
        continue;
      }
      if (it->second.shape != param.shape)
        fail(source, ": ", prefix, name, " is ", shape_to_string(it->second.shape), ", the parameter is ",
             shape_to_string(param.shape));
      (*target)[name] = it->second;
    }
  }
  if (tensors.size() != exp_avg_.size() + exp_avg_sq_.size())
    fail(source, ": holds optimiser moments for tensors the model does not have");
}

double gradient_norm(const ParameterStore& store) {
  double sum = 0;  // in name order, serially: the same bits on every run
  for (const auto& [name, g] : store.gradients())
    for (float x : g.data) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

double clip_gradient_norm(ParameterStore& store, double max_norm) {
  const double norm = gradient_norm(store);
  if (max_norm > 0 && norm > max_norm) {
    const float scale = static_cast<float>(max_norm / (norm + 1e-6));
    for (auto& [name, g] : store.gradients())
      for (float& x : g.data) x *= scale;
  }
  return norm;
}

}  // namespace splicebert::train
