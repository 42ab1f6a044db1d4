#include "engine/backbones/layer_walker.h"

#include <fmt/format.h>

#include <stdexcept>
#include <variant>

namespace marginlab::backbones {
namespace {

[[noreturn]] void off_structure(const std::string& name, const std::string& what) {
  throw std::logic_error("layer walk: " + name + " " + what);
}

void expect_channels(const std::string& name, std::int64_t expected, const Activation& input) {
  if (input.shape.channels != expected) {
    off_structure(name, fmt::format("expects {} channels, got {}", expected, input.shape.channels));
  }
}

void expect_layout(const std::string& name, bool flat, const Activation& input) {
  if (input.flat != flat) {
    off_structure(name, flat ? "expects a vector, got a feature map" : "expects a feature map, got a vector");
  }
}

// Output side of a convolution along one axis (PyTorch's formula).
std::int64_t conv_output_side(std::int64_t input, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                              std::int64_t dilation) {
  return (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

template <typename Norm>
BatchNormView view_of(const Norm& norm) {
  return {norm, norm.options.num_features(), norm.options.eps(), norm.weight, norm.bias, norm.running_mean,
          norm.running_var};
}

}  // namespace

Activation LayerWalker::convolution(const std::string& name, const torch::nn::Conv2dImpl& conv,
                                    const Activation& input) {
  const auto& o = conv.options;
  expect_layout(name, false, input);
  expect_channels(name, o.in_channels(), input);
  // The padding is a c10::variant in LibTorch 1.x and a std::variant in 2.x: let argument lookup pick get_if.
  using std::get_if;
  const auto* padding = get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding == nullptr) off_structure(name, "uses 'same'/'valid' padding");
  const FeatureShape output{
      o.out_channels(),
      conv_output_side(input.shape.height, (*o.kernel_size())[0], (*o.stride())[0], (**padding)[0],
                       (*o.dilation())[0]),
      conv_output_side(input.shape.width, (*o.kernel_size())[1], (*o.stride())[1], (**padding)[1],
                       (*o.dilation())[1]),
  };
  return {output, false, on_convolution(name, conv, input, output)};
}

Activation LayerWalker::linear(const std::string& name, const torch::nn::LinearImpl& linear, const Activation& input) {
  const auto& o = linear.options;
  expect_layout(name, true, input);
  expect_channels(name, o.in_features(), input);
  const FeatureShape output{o.out_features(), 1, 1};
  return {output, true, on_linear(name, linear, input, output)};
}

Activation LayerWalker::batch_norm(const std::string& name, const torch::nn::BatchNorm2dImpl& norm,
                                   const Activation& input) {
  expect_layout(name, false, input);
  return batch_norm(name, view_of(norm), input);
}

Activation LayerWalker::batch_norm(const std::string& name, const torch::nn::BatchNorm1dImpl& norm,
                                   const Activation& input) {
  expect_layout(name, true, input);
  return batch_norm(name, view_of(norm), input);
}

Activation LayerWalker::batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input) {
  expect_channels(name, norm.num_features, input);
  return {input.shape, input.flat, on_batch_norm(name, norm, input)};
}

Activation LayerWalker::prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const Activation& input) {
  if (prelu.options.num_parameters() != 1) expect_channels(name, prelu.options.num_parameters(), input);
  return {input.shape, input.flat, on_prelu(name, prelu, input)};
}

Activation LayerWalker::add(const std::string& name, const Activation& branch, const Activation& shortcut) {
  if (branch.shape != shortcut.shape || branch.flat != shortcut.flat) {
    off_structure(name, fmt::format("adds a {}×{}×{} branch to a {}×{}×{} shortcut", branch.shape.channels,
                                    branch.shape.height, branch.shape.width, shortcut.shape.channels,
                                    shortcut.shape.height, shortcut.shape.width));
  }
  return {branch.shape, branch.flat, on_add(name, branch, shortcut)};
}

Activation LayerWalker::flatten(const std::string& name, const Activation& input) {
  expect_layout(name, false, input);
  const FeatureShape output{input.shape.elements(), 1, 1};
  return {output, true, on_flatten(name, input, output)};
}

Activation LayerWalker::subsample(const std::string& name, const Activation& input, std::int64_t stride) {
  expect_layout(name, false, input);
  if (stride < 1) off_structure(name, fmt::format("subsamples with stride {}", stride));
  const FeatureShape output{input.shape.channels, (input.shape.height - 1) / stride + 1,
                            (input.shape.width - 1) / stride + 1};
  return {output, false, on_subsample(name, input, stride)};
}

Activation LayerWalker::global_average_pool(const std::string& name, const Activation& input) {
  expect_layout(name, false, input);
  return {FeatureShape{input.shape.channels, 1, 1}, false, on_global_average_pool(name, input)};
}

Activation LayerWalker::relu(const std::string& name, const Activation& input) {
  return {input.shape, input.flat, on_relu(name, input)};
}

Activation LayerWalker::sigmoid(const std::string& name, const Activation& input) {
  return {input.shape, input.flat, on_sigmoid(name, input)};
}

Activation LayerWalker::scale(const std::string& name, const Activation& input, const Activation& gate) {
  expect_layout(name, false, input);
  if (gate.flat || gate.shape != FeatureShape{input.shape.channels, 1, 1}) {
    off_structure(name, fmt::format("scales {} channels by a gate of {}×{}×{}", input.shape.channels,
                                    gate.shape.channels, gate.shape.height, gate.shape.width));
  }
  return {input.shape, false, on_scale(name, input, gate)};
}

}  // namespace marginlab::backbones
