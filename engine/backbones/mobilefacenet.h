#pragma once
// MobileFaceNet as insightface's arcface_torch mobilefacenet.py builds it with get_mbf (blocks 1-4-6-2) and
// get_mbf_large (blocks 2-8-12-4, scale 4), with the same module tree and therefore the same state-dict names:
// layers.0…7, conv_sep, features. get_mbf's default width scale 2 gives 2.06M parameters at D = 512; scale 1 gives
// 1.20M (and 1.00M at D = 128, the paper's MobileFaceNet size).
// One generalisation: the global depthwise convolution (GDC) spans the whole last map, (input/16)², so inputs other
// than 112×112 work; at 112 it is arcface_torch's 7×7.
#include <torch/torch.h>

#include <array>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"
#include "engine/backbones/prelu.h"
#include "engine/backbones/sync_batch_norm.h"

namespace marginlab::backbones {

// A piece of MobileFaceNet that runs on a feature map and reports its own cost.
class MobileUnitImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  virtual Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const = 0;
};

// conv (no bias) → BN → PReLU, or without the PReLU (arcface_torch's LinearBlock); the parts are layers.0, .1, .2.
class ConvBlockImpl : public MobileUnitImpl {
 public:
  struct Shape {
    std::int64_t kernel = 1;
    std::int64_t stride = 1;
    std::int64_t padding = 0;
    std::int64_t groups = 1;
  };
  ConvBlockImpl(std::int64_t in_channels, std::int64_t out_channels, const Shape& shape, bool with_prelu);
  torch::Tensor forward(const torch::Tensor& x) override;
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const override;

 private:
  torch::nn::Sequential layers_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
  SyncBatchNorm2d bn_{nullptr};
  PReLU prelu_{nullptr};
};
TORCH_MODULE(ConvBlock);

// The inverted bottleneck: 1×1 expansion to `inner_channels` → 3×3 depthwise (stride here) → linear 1×1 projection,
// plus the input when `residual`.
class DepthWiseImpl : public MobileUnitImpl {
 public:
  DepthWiseImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t inner_channels, std::int64_t stride,
                bool residual);
  torch::Tensor forward(const torch::Tensor& x) override;
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const override;

 private:
  bool residual_;
  torch::nn::Sequential layers_{nullptr};
  std::vector<std::shared_ptr<ConvBlockImpl>> parts_;
};
TORCH_MODULE(DepthWise);

// `count` residual DepthWise blocks of constant width and stride 1.
class ResidualImpl : public MobileUnitImpl {
 public:
  ResidualImpl(std::int64_t channels, std::int64_t count, std::int64_t inner_channels);
  torch::Tensor forward(const torch::Tensor& x) override;
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const override;

 private:
  torch::nn::Sequential layers_{nullptr};
  std::vector<std::shared_ptr<DepthWiseImpl>> blocks_;
};
TORCH_MODULE(Residual);

// The embedding head: global depthwise conv + BN → flatten → linear (no bias) → BatchNorm1d.
class GlobalDepthwiseHeadImpl : public torch::nn::Module {
 public:
  GlobalDepthwiseHeadImpl(std::int64_t channels, std::int64_t map_side, std::int64_t embedding_dim);
  torch::Tensor forward(const torch::Tensor& x);
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const;

 private:
  torch::nn::Sequential layers_{nullptr};
  ConvBlock depthwise_{nullptr};
  torch::nn::Linear linear_{nullptr};
  SyncBatchNorm1d norm_{nullptr};
};
TORCH_MODULE(GlobalDepthwiseHead);

// get_mbf's `blocks` and `scale`: (1, 4, 6, 2) at scale 2 for get_mbf, (2, 8, 12, 4) at scale 4 for get_mbf_large.
struct MobileFaceNetLayout {
  std::array<std::int64_t, 4> blocks{1, 4, 6, 2};
  std::int64_t width_scale = 2;  // channels 64·scale and 128·scale in the stages
};

class MobileFaceNetImpl : public BackboneImpl {
 public:
  MobileFaceNetImpl(const BackboneSpec& spec, const MobileFaceNetLayout& layout);
  BackboneOutput forward(const torch::Tensor& images) override;
  Activation walk(LayerWalker& walker, const Activation& input) const override;

 private:
  torch::nn::ModuleList layers_{nullptr};
  std::vector<std::shared_ptr<MobileUnitImpl>> units_;  // layers_, typed
  ConvBlock conv_sep_{nullptr};
  GlobalDepthwiseHead features_{nullptr};
};

}  // namespace marginlab::backbones
