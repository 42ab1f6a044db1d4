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
};
ParameterGroups split_for_weight_decay(const std::vector<std::shared_ptr<torch::nn::Module>>& modules);

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSettings& settings, ParameterGroups groups);
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

// Global L2 norm of the gradients, as one device scalar (no host sync).
torch::Tensor gradient_norm(const std::vector<torch::Tensor>& parameters);

}  // namespace marginlab::train
