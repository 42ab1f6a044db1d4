#include "engine/train/optimizer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

namespace marginlab::train {

double lr_factor(const ScheduleSettings& s, double epoch, double total_epochs, double base_lr) {
  if (s.warmup_epochs > 0 && epoch < s.warmup_epochs) return epoch / s.warmup_epochs;
  const double floor = base_lr > 0 ? std::min(1.0, s.min_lr / base_lr) : 0.0;
  const double span = total_epochs - s.warmup_epochs;
  const double progress = span > 0 ? std::clamp((epoch - s.warmup_epochs) / span, 0.0, 1.0) : 1.0;
  switch (s.kind) {
    case ScheduleKind::constant:
      return 1.0;
    case ScheduleKind::multistep: {
      double factor = 1.0;
      for (double milestone : s.milestones) {
        if (epoch >= milestone) factor *= s.gamma;
      }
      return factor;
    }
    case ScheduleKind::cosine:
      return floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    case ScheduleKind::poly:
      return floor + (1.0 - floor) * std::pow(1.0 - progress, s.power);
  }
  return 1.0;
}

ParameterGroups split_for_weight_decay(const std::vector<std::shared_ptr<torch::nn::Module>>& modules) {
  ParameterGroups groups;
  std::set<const void*> batch_norm;
  for (const auto& root : modules) {
    for (const auto& module : root->modules(/*include_self=*/true)) {
      const bool is_batch_norm = module->as<torch::nn::BatchNorm1d>() || module->as<torch::nn::BatchNorm2d>() ||
                                 module->as<torch::nn::BatchNorm3d>();
      if (!is_batch_norm) continue;
      for (const auto& p : module->parameters(/*recurse=*/false)) batch_norm.insert(p.unsafeGetTensorImpl());
    }
  }
  for (const auto& root : modules) {
    for (const auto& p : root->parameters()) {
      if (!p.requires_grad()) continue;
      (batch_norm.count(p.unsafeGetTensorImpl()) ? groups.no_decay : groups.decay).push_back(p);
    }
  }
  return groups;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSettings& o,
                                                        std::vector<ParameterGroups> groups) {
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  if (o.kind == OptimizerKind::sgd) {
    auto options = [&](double decay) {
      return std::make_unique<torch::optim::SGDOptions>(
          torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(decay));
    };
    for (auto& group : groups) {
      param_groups.emplace_back(std::move(group.decay), options(o.weight_decay));
      param_groups.emplace_back(std::move(group.no_decay), options(0.0));
    }
    return std::make_unique<torch::optim::SGD>(std::move(param_groups), torch::optim::SGDOptions(o.lr));
  }
  auto options = [&](double decay) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(o.lr)
                                                            .betas({o.betas[0], o.betas[1]})
                                                            .eps(o.eps)
                                                            .weight_decay(decay));
  };
  for (auto& group : groups) {
    param_groups.emplace_back(std::move(group.decay), options(o.weight_decay));
    param_groups.emplace_back(std::move(group.no_decay), options(0.0));
  }
  return std::make_unique<torch::optim::AdamW>(std::move(param_groups), torch::optim::AdamWOptions(o.lr));
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, const std::vector<double>& scales) {
  auto& groups = optimizer.param_groups();
  for (std::size_t i = 0; i < groups.size(); ++i)
    groups[i].options().set_lr(lr * (i < scales.size() ? scales[i] : 1.0));
}

torch::Tensor gradient_norm(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> squares;
  for (const auto& p : parameters) {
    if (p.grad().defined()) squares.push_back(p.grad().detach().to(torch::kFloat32).pow(2).sum());
  }
  if (squares.empty()) return torch::zeros({});
  return torch::stack(squares).sum().sqrt();
}

}  // namespace marginlab::train
