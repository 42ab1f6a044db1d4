#pragma once
// The embedding networks the trainer uses: IResNet-18…200 and MobileFaceNet laid out as insightface's arcface_torch
// (same parameter and buffer names, so weights move between the two), and a small IResNet for CPU demos. Each returns
// the unit embedding and the norm of the raw one, which AdaFace and MagFace read as a quality proxy.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/backbones/backbone_catalog.h"
#include "engine/backbones/model_info.h"

namespace marginlab::backbones {

struct BackboneOutput {
  torch::Tensor embedding;  // (B, D) unit rows (raw / norm)
  torch::Tensor norm;       // (B, 1) L2 norm of the raw embedding (AdaFace's quality proxy), kept in the graph
};

struct BackboneSpec {
  std::string kind;                // one of backbone_kinds()
  std::int64_t embedding_dim = 512;
  std::int64_t input_size = 112;   // square input side; validated per kind (e.g. IResNet needs a multiple of 16)
  double dropout = 0.0;            // before the embedding FC, as arcface_torch
};

class BackboneImpl : public torch::nn::Module {
 public:
  explicit BackboneImpl(BackboneSpec spec) : spec_(std::move(spec)) {}

  virtual BackboneOutput forward(const torch::Tensor& images) = 0;  // images (B,3,H,W) float
  std::int64_t embedding_dim() const { return spec_.embedding_dim; }
  const std::string& kind() const { return spec_.kind; }

  // The spec the network was built from.
  const BackboneSpec& spec() const { return spec_; }
  // Walks the evaluation-mode graph from `input` (the images) in forward order (layer_walker.h); returns the raw
  // embedding, before the unit/norm split.
  virtual Activation walk(LayerWalker& walker, const Activation& input) const = 0;
  // A deep copy (KappaFace's momentum encoder clones the backbone): rebuilt from spec(), then every parameter and
  // buffer copied, requires_grad flags and the training mode included.
  std::shared_ptr<torch::nn::Module> clone(
      const torch::optional<torch::Device>& device = torch::nullopt) const override;

 private:
  BackboneSpec spec_;
};
using Backbone = std::shared_ptr<BackboneImpl>;

// Builds any kind of backbone_kinds() (core/backbones/backbone_catalog.h) or an alias of one; throws
// marginlab::InvalidParameter naming the key and value.
Backbone make_backbone(const BackboneSpec& spec);
// Stores the 4-D (convolution) weights channels-last: measured 2.7x faster convolutions on the target CPU, and what
// cuDNN's tensor-core kernels want. Call again after loading weights, which arrive in the default layout.
void use_channels_last(torch::nn::Module& module);

// For the implementations.

// `conv` applied to `x`. On LibTorch 2.x a 1×1 convolution of stride s is computed as the same convolution of
// stride 1 over every s-th pixel (identical arithmetic): oneDNN 3.6 (LibTorch 2.6's CPU convolutions) divides by zero
// in the backward pass of some strided 1×1 convolutions (256 → 1024 channels at 28×28, as AdaFace's IR-152 has). On
// LibTorch 1.13, which has no such fault, the strided convolution runs as it is: the subsampled form measured 2.5×
// slower there (forward + backward, channels-last, batch 64). Strided 3×3 convolutions in training take their weight
// gradient from oneDNN's blocked layout where the build has it (strided_convolution.h).
torch::Tensor convolve(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

// He-normal initialisation (fan-out, ReLU gain) of every convolution and linear layer, linear biases zero: what
// arcface_torch's MobileFaceNet and AdaFace's net.py do.
void init_he_normal(torch::nn::Module& module);

// Throws InvalidParameter unless embedding_dim ≥ 1, dropout ∈ [0, 1) and input_size is a multiple of 16 (four
// stride-2 stages) of at least `min_input_size`.
void check_spec(const BackboneSpec& spec, std::int64_t min_input_size);
// Throws InvalidBatch unless `images` is a floating (B, 3, input_size, input_size) tensor.
void check_images(const BackboneSpec& spec, const torch::Tensor& images);
// The unit/norm split: norm = ‖raw‖₂ per row; embedding = raw / max(norm, kNormFloor). The floor is
// torch.nn.functional.normalize's eps, which insightface's heads apply to the same features; it only matters for an
// all-zero row, which then stays zero instead of becoming NaN.
constexpr double kNormFloor = 1e-12;
BackboneOutput unit_and_norm(const torch::Tensor& raw);

}  // namespace marginlab::backbones
