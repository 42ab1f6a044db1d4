#pragma once
// What every backbone promises the trainer, checked the same way for each kind.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"

namespace marginlab::backbones::testing {

inline std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

// Millions, rounded to 0.1M as insightface's tables print them.
inline double millions(std::int64_t count) { return std::round(static_cast<double>(count) / 1e5) / 10.0; }

inline std::vector<std::string> state_dict_keys(const torch::nn::Module& module) {
  std::vector<std::string> keys;
  for (const auto& item : module.named_parameters()) keys.push_back(item.key());
  for (const auto& item : module.named_buffers()) keys.push_back(item.key());
  return keys;
}

// Batch of 2 in training mode: (2, D) unit rows, (2, 1) positive norms, gradients reaching the first convolution
// through both the embedding and the norm.
inline void expect_forward_contract(BackboneImpl& net, const std::string& first_conv_weight) {
  torch::manual_seed(1);
  net.train();
  const auto side = net.spec().input_size;
  const auto out = net.forward(torch::randn({2, 3, side, side}));
  ASSERT_EQ(out.embedding.sizes().vec(), (std::vector<std::int64_t>{2, net.embedding_dim()}));
  ASSERT_EQ(out.norm.sizes().vec(), (std::vector<std::int64_t>{2, 1}));
  EXPECT_TRUE((out.norm > 0).all().item<bool>());
  const auto row_norms = torch::linalg_vector_norm(out.embedding, 2, {1}, false);
  EXPECT_LT((row_norms - 1).abs().max().item<double>(), 1e-5);

  const auto weight = net.named_parameters()[first_conv_weight];  // shares the parameter
  (out.embedding.select(1, 0).sum() + out.norm.sum()).backward();
  ASSERT_TRUE(weight.grad().defined());
  EXPECT_GT(weight.grad().abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(torch::isfinite(weight.grad()).all().item<bool>());
}

// 4-D weights as channels-last, as a caller converts a model in LibTorch 1.13.
inline void to_channels_last(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

// In eval mode, a channels-last copy of the network fed a channels-last batch gives the NCHW result. Both run in
// float64, so that what is compared is the layout and not two convolution algorithms' float32 rounding (on LibTorch
// 2.6 the channels-last kernels differ from NCHW by 1.5e-3 on an IResNet's float32 embedding).
inline void expect_channels_last_matches(BackboneImpl& net, std::int64_t batch) {
  torch::manual_seed(2);
  const auto side = net.spec().input_size;
  const auto images = torch::randn({batch, 3, side, side}, torch::kFloat64);
  torch::NoGradGuard no_grad;
  auto nchw = std::dynamic_pointer_cast<BackboneImpl>(net.clone());
  nchw->to(torch::kFloat64);
  nchw->eval();
  const auto reference = nchw->forward(images);
  auto copy = std::dynamic_pointer_cast<BackboneImpl>(net.clone());
  copy->to(torch::kFloat64);
  to_channels_last(*copy);
  copy->eval();
  const auto channels_last = copy->forward(images.contiguous(torch::MemoryFormat::ChannelsLast));
  ASSERT_TRUE(torch::isfinite(reference.norm).all().item<bool>());
  EXPECT_LT((channels_last.embedding - reference.embedding).abs().max().item<double>(), 1e-9);
  EXPECT_LT(((channels_last.norm - reference.norm) / reference.norm).abs().max().item<double>(), 1e-9);
}

// Eval mode: the same batch twice gives the same output, and the batch does not change the running statistics.
inline void expect_eval_deterministic(BackboneImpl& net) {
  torch::manual_seed(3);
  const auto side = net.spec().input_size;
  const auto images = torch::randn({2, 3, side, side});
  net.eval();
  torch::NoGradGuard no_grad;
  const auto buffers_before = net.named_buffers();
  std::vector<torch::Tensor> saved;
  for (const auto& item : buffers_before) saved.push_back(item.value().clone());
  const auto first = net.forward(images);
  const auto second = net.forward(images);
  EXPECT_TRUE(torch::equal(first.embedding, second.embedding));
  EXPECT_TRUE(torch::equal(first.norm, second.norm));
  for (std::size_t i = 0; i < saved.size(); ++i) {
    EXPECT_TRUE(torch::equal(saved[i], buffers_before[i].value())) << buffers_before[i].key();
  }
}

}  // namespace marginlab::backbones::testing
