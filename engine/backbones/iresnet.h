#pragma once
// IResNet ("improved" ResNet of ArcFace), laid out exactly as insightface's arcface_torch iresnet.py so that the
// state dicts match name for name: conv1, bn1, prelu, layer1…layer4 of IBasicBlocks, bn2, dropout, fc, features.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"
#include "engine/backbones/prelu.h"
#include "engine/backbones/sync_batch_norm.h"

namespace marginlab::backbones {

// The residual unit: BN → conv3×3 → BN → PReLU → conv3×3 (stride here) → BN, plus the shortcut, which is
// conv1×1 + BN (`downsample`) where the stride or the width changes. No activation after the addition.
class IBasicBlockImpl : public torch::nn::Module {
 public:
  IBasicBlockImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const;

 private:
  SyncBatchNorm2d bn1_{nullptr};
  torch::nn::Conv2d conv1_{nullptr};
  SyncBatchNorm2d bn2_{nullptr};
  PReLU prelu_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  SyncBatchNorm2d bn3_{nullptr};
  // downsample = Sequential(downsample_conv_, downsample_bn_), or none.
  torch::nn::Sequential downsample_{nullptr};
  torch::nn::Conv2d downsample_conv_{nullptr};
  SyncBatchNorm2d downsample_bn_{nullptr};
};
TORCH_MODULE(IBasicBlock);

// Depth and width of an IResNet. Every stage starts with a stride-2 block, so the input side must be a multiple of 16.
struct IResNetLayout {
  std::array<std::int64_t, 4> blocks;  // IBasicBlocks per stage
  std::array<std::int64_t, 4> widths;  // channels per stage
  std::int64_t stem_width;             // channels of conv1
  std::int64_t min_input_size;         // smallest input side accepted
};

// arcface_torch's iresnet18/34/50/100/200: widths 64-128-256-512, blocks [2,2,2,2], [3,4,6,3], [3,4,14,3],
// [3,13,30,3], [6,26,60,6]. Throws InvalidParameter for another depth.
IResNetLayout iresnet_layout(std::int64_t depth);

// conv1 (3×3, stride 1) → bn1 → prelu → layer1…4 → bn2 → flatten → dropout → fc → features (BatchNorm1d whose weight
// stays 1 and is not trained). BatchNorm eps 1e-5, convolutions initialised N(0, 0.1), as arcface_torch.
class IResNetImpl : public BackboneImpl {
 public:
  IResNetImpl(const BackboneSpec& spec, const IResNetLayout& layout);
  BackboneOutput forward(const torch::Tensor& images) override;
  Activation walk(LayerWalker& walker, const Activation& input) const override;

 private:
  torch::nn::Conv2d conv1_{nullptr};
  SyncBatchNorm2d bn1_{nullptr};
  PReLU prelu_{nullptr};
  std::vector<torch::nn::Sequential> stages_;  // layer1…layer4
  SyncBatchNorm2d bn2_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
  SyncBatchNorm1d features_{nullptr};
};

}  // namespace marginlab::backbones
