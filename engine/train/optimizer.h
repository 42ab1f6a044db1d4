#pragma once
// Optimisers and learning-rate schedules from the experiment's settings.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/experiment/experiment.h"

namespace marginlab::train {

// lr at a point of the run as a multiple of the base lr. `epoch` is fractional (steps done / steps per epoch);
// `total_epochs` is the run's length in the same unit. Warm-up rises linearly to 1 over warmup_epochs; then
// multistep multiplies by gamma at each milestone passed, cosine and poly decay to min_lr / base_lr at the end.
double lr_factor(const ScheduleSettings& schedule, double epoch, double total_epochs, double base_lr);

// Parameters split as the AdaFace recipe: weight decay on everything trainable except BatchNorm weights and biases
// (convolutions, FC, PReLU slopes, the head kernel); frozen parameters (IResNet's `features.weight`) are left out.
struct ParameterGroups {
  std::vector<torch::Tensor> decay;
  std::vector<torch::Tensor> no_decay;
  double lr_scale = 1.0;  // their learning rate as a multiple of the base rate
};
ParameterGroups split_for_weight_decay(const std::vector<std::shared_ptr<torch::nn::Module>>& modules);

// Two optimiser groups per ParameterGroups, in order: with weight decay, without.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSettings& settings,
                                                        std::vector<ParameterGroups> groups);
// Group i learns at lr × scales[i] (the scales of make_optimizer's groups, two per ParameterGroups).
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, const std::vector<double>& scales);

// Global L2 norm of the gradients, as one device scalar (no host sync).
torch::Tensor gradient_norm(const std::vector<torch::Tensor>& parameters);

}  // namespace marginlab::train
