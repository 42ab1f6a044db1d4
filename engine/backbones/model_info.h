#pragma once
// What a backbone costs: parameters, and multiply-adds per image computed analytically. The backbone walks its own
// layers through a CostTrace (a LayerWalker), so the spatial size is propagated through the real structure (kernel
// sizes, strides, groups read from the modules themselves) instead of coming from a table.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backbones/layer_walker.h"

namespace marginlab::backbones {

struct BackboneSpec;

enum class LayerType { convolution, linear, batch_norm, prelu };
std::string_view layer_type_name(LayerType type);

struct LayerInfo {
  std::string name;          // the module's path, as in named_parameters() ("layer1.0.conv1")
  LayerType type;
  FeatureShape output;
  std::int64_t parameters;   // of this module alone
  double multiply_adds;      // per image
};

// Multiply-adds per image, by layer type:
//   convolution  output elements × (input channels / groups) × kernel area (+ output elements for a bias)
//   linear       input features × output features (+ output features for a bias)
//   batch norm   one per element: at inference the normalisation and the affine map fold into x·a + b
//   PReLU        one per element
// Residual additions, flatten, dropout, subsampling, pooling, ReLU, sigmoid and squeeze-and-excitation's channel
// scaling are not multiply-adds (or are one per element, a rounding error next to the convolutions) and are left out,
// as in insightface's counts.
class CostTrace : public LayerWalker {
 public:
  const std::vector<LayerInfo>& layers() const { return layers_; }
  double multiply_adds() const;

 protected:
  std::string on_convolution(const std::string& name, const torch::nn::Conv2dImpl& conv, const Activation& input,
                             const FeatureShape& output) override;
  std::string on_linear(const std::string& name, const torch::nn::LinearImpl& linear, const Activation& input,
                        const FeatureShape& output) override;
  std::string on_batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input) override;
  std::string on_prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const Activation& input) override;
  std::string on_add(const std::string& name, const Activation& branch, const Activation& shortcut) override;
  std::string on_flatten(const std::string& name, const Activation& input, const FeatureShape& output) override;
  std::string on_subsample(const std::string& name, const Activation& input, std::int64_t stride) override;
  std::string on_global_average_pool(const std::string& name, const Activation& input) override;
  std::string on_relu(const std::string& name, const Activation& input) override;
  std::string on_sigmoid(const std::string& name, const Activation& input) override;
  std::string on_scale(const std::string& name, const Activation& input, const Activation& gate) override;

 private:
  std::string record(const std::string& name, LayerType type, const torch::nn::Module& module,
                     const FeatureShape& output, double multiply_adds);
  std::vector<LayerInfo> layers_;
};

struct ModelInfo {
  std::int64_t parameters = 0;            // every parameter, frozen ones included (IResNet's features.weight)
  std::int64_t trainable_parameters = 0;  // those with requires_grad
  double multiply_adds = 0;               // per image; FLOPs = 2 × multiply-adds
  std::vector<LayerInfo> layers;          // in forward order
};

// Builds the backbone (throws InvalidParameter for a bad spec) and counts its parameters and multiply-adds.
ModelInfo model_info(const BackboneSpec& spec);

// Every layer's output for one image: what the backward pass keeps (the memory plan's activations, an estimate).
double activation_elements(const ModelInfo& info);

}  // namespace marginlab::backbones
