#pragma once
// One description of a backbone's inference graph, read by several consumers. Every backbone walks its own layers
// through a LayerWalker in the order its forward() runs them in evaluation mode (dropout is the identity there and
// is not walked); the walker checks that each module fits its input, propagates the shape, and hands the layer to
// the consumer: the cost count of model_info.h, the ONNX writer of engine/export. So a network's structure is written
// once, in the backbone, and a cost table or an exported graph cannot drift from what forward() computes.
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace marginlab::backbones {

// The shape of one image's activations: (C, H, W), or (C, 1, 1) for a vector.
struct FeatureShape {
  std::int64_t channels = 0;
  std::int64_t height = 1;
  std::int64_t width = 1;
  std::int64_t elements() const { return channels * height * width; }
  bool operator==(const FeatureShape&) const = default;
};

// A value flowing through the walked network: its per-image shape, whether it is still a feature map (N, C, H, W)
// or already a vector (N, C), and what the consumer calls it (the ONNX writer: the tensor's name in the graph).
struct Activation {
  FeatureShape shape;
  bool flat = false;
  std::string tensor;
};

// What a batch norm layer holds, whether it is a BatchNorm2d or a BatchNorm1d (LibTorch gives them no common
// non-template base).
struct BatchNormView {
  const torch::nn::Module& module;
  std::int64_t num_features;
  double eps;
  torch::Tensor weight, bias, running_mean, running_var;  // undefined weight/bias: not affine
};

class LayerWalker {
 public:
  virtual ~LayerWalker() = default;

  // `name` is the module's path as in named_parameters() ("layer1.0.conv1"), or a name for a parameter-free step.
  // Each checks the module against its input (channels, flat or not) and throws std::logic_error when the walk has
  // left the network's real structure.
  Activation convolution(const std::string& name, const torch::nn::Conv2dImpl& conv, const Activation& input);
  Activation linear(const std::string& name, const torch::nn::LinearImpl& linear, const Activation& input);
  Activation batch_norm(const std::string& name, const torch::nn::BatchNorm2dImpl& norm, const Activation& input);
  Activation batch_norm(const std::string& name, const torch::nn::BatchNorm1dImpl& norm, const Activation& input);
  Activation prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const Activation& input);
  // Element-wise sum of a residual branch and its shortcut; their shapes must agree.
  Activation add(const std::string& name, const Activation& branch, const Activation& shortcut);
  // (N, C, H, W) → (N, C·H·W), as torch.flatten(x, 1).
  Activation flatten(const std::string& name, const Activation& input);
  // Every stride-th row and column (AdaFace's MaxPool2d(1, stride) shortcut).
  Activation subsample(const std::string& name, const Activation& input, std::int64_t stride);
  // The squeeze-and-excitation parts: (C, H, W) → (C, 1, 1) mean; ReLU and sigmoid element-wise; a feature map
  // times a per-channel gate of shape (C, 1, 1).
  Activation global_average_pool(const std::string& name, const Activation& input);
  Activation relu(const std::string& name, const Activation& input);
  Activation sigmoid(const std::string& name, const Activation& input);
  Activation scale(const std::string& name, const Activation& input, const Activation& gate);

 protected:
  // The consumer's part: called with the checked input and the output's shape; returns the output's tensor name.
  virtual std::string on_convolution(const std::string& name, const torch::nn::Conv2dImpl& conv,
                                     const Activation& input, const FeatureShape& output) = 0;
  virtual std::string on_linear(const std::string& name, const torch::nn::LinearImpl& linear, const Activation& input,
                                const FeatureShape& output) = 0;
  virtual std::string on_batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input) = 0;
  virtual std::string on_prelu(const std::string& name, const torch::nn::PReLUImpl& prelu,
                               const Activation& input) = 0;
  virtual std::string on_add(const std::string& name, const Activation& branch, const Activation& shortcut) = 0;
  virtual std::string on_flatten(const std::string& name, const Activation& input, const FeatureShape& output) = 0;
  virtual std::string on_subsample(const std::string& name, const Activation& input, std::int64_t stride) = 0;
  virtual std::string on_global_average_pool(const std::string& name, const Activation& input) = 0;
  virtual std::string on_relu(const std::string& name, const Activation& input) = 0;
  virtual std::string on_sigmoid(const std::string& name, const Activation& input) = 0;
  virtual std::string on_scale(const std::string& name, const Activation& input, const Activation& gate) = 0;

 private:
  Activation batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input);
};

}  // namespace marginlab::backbones
