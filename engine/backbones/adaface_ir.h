#pragma once
// AdaFace's own IR networks (mk-minchul/AdaFace net.py; CVLface's models/iresnet builds the same), laid out module for
// module so that their state dicts load name for name: input_layer, body.<i>.{shortcut_layer, res_layer}, output_layer.
// They are not arcface_torch's IResNet (iresnet.h):
//   - a unit whose width does not change takes its shortcut by subsampling (MaxPool2d(1, stride)), so the first unit
//     of stage 1 (64 → 64, stride 2) has no 1×1 convolution where IResNet's layer1.0 has one;
//   - IR-152 and IR-200 use bottleneck units (1×1 → 3×3 → 1×1, a quarter of the width inside) and widths
//     256-512-1024-2048; IR-SE adds squeeze-and-excitation (reduction 16) at the end of each residual branch;
//   - the output layer is BN2d → dropout (0.4 in AdaFace) → flatten → linear → BatchNorm1d without affine parameters.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"
#include "engine/backbones/prelu.h"
#include "engine/backbones/sync_batch_norm.h"

namespace marginlab::backbones {

struct AdaFaceIRLayout {
  std::array<std::int64_t, 4> units;   // units per stage
  std::array<std::int64_t, 4> widths;  // output channels per stage
  bool bottleneck = false;
  bool squeeze_excitation = false;
};

// net.py's get_blocks: depth 18, 34, 50, 100 (AdaFace's "IR-101"), 152, 200. Throws InvalidParameter for another.
AdaFaceIRLayout adaface_ir_layout(std::int64_t depth, bool squeeze_excitation);

// SEModule: x · sigmoid(fc2(relu(fc1(mean over H, W of x)))), fc1 and fc2 1×1 convolutions without bias.
class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  SqueezeExcitationImpl(std::int64_t channels, std::int64_t reduction);
  torch::Tensor forward(const torch::Tensor& x);
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const;

 private:
  torch::nn::Conv2d fc1_{nullptr};
  torch::nn::Conv2d fc2_{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

// BasicBlockIR / BottleneckIR (and their SE variants): res_layer + shortcut_layer, no activation after the sum.
class IRUnitImpl : public torch::nn::Module {
 public:
  IRUnitImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride, const AdaFaceIRLayout& layout);
  torch::Tensor forward(const torch::Tensor& x);
  Activation walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const;

 private:
  std::int64_t stride_;
  // res_layer, in order; entries are Conv2d, SyncBatchNorm2d or PReLU.
  torch::nn::Sequential residual_{nullptr};
  SqueezeExcitation excitation_{nullptr};
  torch::nn::Conv2d shortcut_conv_{nullptr};  // null: the shortcut subsamples
  SyncBatchNorm2d shortcut_bn_{nullptr};
};
TORCH_MODULE(IRUnit);

class AdaFaceIRImpl : public BackboneImpl {
 public:
  AdaFaceIRImpl(const BackboneSpec& spec, const AdaFaceIRLayout& layout);
  BackboneOutput forward(const torch::Tensor& images) override;
  Activation walk(LayerWalker& walker, const Activation& input) const override;

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  SyncBatchNorm2d stem_bn_{nullptr};
  PReLU stem_prelu_{nullptr};
  std::vector<IRUnit> units_;
  SyncBatchNorm2d output_bn_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
  SyncBatchNorm1d features_{nullptr};
};

}  // namespace marginlab::backbones
