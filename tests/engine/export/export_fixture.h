#pragma once
// Backbones whose weights and running statistics make every layer matter: freshly built BatchNorms have mean 0 and
// variance 1, under which an exporter that dropped or misordered the statistics would still pass.
#include <torch/torch.h>

#include <string>

#include "engine/backbones/backbone.h"

namespace marginlab::exporting::testing {

// The running statistics are those of real activations (one calibration batch, as if trained), so that deep
// IResNets stay finite at random weights, then every gain, shift and slope is moved off its initial value.
inline backbones::Backbone trained_looking_backbone(const std::string& kind, std::int64_t input_size,
                                                    std::int64_t embedding_dim = 64) {
  backbones::BackboneSpec spec;
  spec.kind = kind;
  spec.input_size = input_size;
  spec.embedding_dim = embedding_dim;
  auto net = backbones::make_backbone(spec);
  torch::manual_seed(7);
  torch::NoGradGuard no_grad;
  for (auto& item : net->named_parameters()) {
    // BatchNorm gains and shifts and PReLU slopes away from their initial 1, 0 and 0.25 (features.weight included:
    // arcface_torch freezes it, but a loaded model may carry any value).
    if (item.value().dim() == 1) item.value().add_(torch::randn_like(item.value()) * 0.1);
  }
  const auto set_momentum = [&net](double momentum) {
    for (auto& module : net->modules(/*include_self=*/false)) {
      if (auto* norm = module->as<torch::nn::BatchNorm2d>()) norm->options.momentum(momentum);
      if (auto* norm = module->as<torch::nn::BatchNorm1d>()) norm->options.momentum(momentum);
    }
  };
  set_momentum(1.0);  // running statistics := this batch's
  net->train();
  net->forward(torch::randn({4, 3, input_size, input_size}));
  set_momentum(0.1);
  net->eval();
  return net;
}

}  // namespace marginlab::exporting::testing
