#include "engine/backbones/model_info.h"

#include <stdexcept>
#include <variant>

#include "engine/backbones/backbone.h"

namespace marginlab::backbones {
namespace {

std::int64_t parameter_count(const torch::nn::Module& module, bool trainable_only) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += (!trainable_only || p.requires_grad()) ? p.numel() : 0;
  return count;
}

// A layer given an input its module was not built for means the trace has left the network's real structure.
void expect_channels(const std::string& name, std::int64_t expected, const FeatureShape& input) {
  if (input.channels != expected) {
    throw std::logic_error("cost trace: " + name + " expects " + std::to_string(expected) + " channels, got " +
                           std::to_string(input.channels));
  }
}

// Output side of a convolution along one axis (PyTorch's formula).
std::int64_t conv_output_side(std::int64_t input, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                              std::int64_t dilation) {
  return (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

}  // namespace

std::string_view layer_type_name(LayerType type) {
  switch (type) {
    case LayerType::convolution: return "conv";
    case LayerType::linear: return "linear";
    case LayerType::batch_norm: return "bn";
    case LayerType::prelu: return "prelu";
  }
  return "?";
}

FeatureShape CostTrace::convolution(const std::string& name, const torch::nn::Conv2dImpl& conv,
                                    const FeatureShape& input) {
  const auto& o = conv.options;
  expect_channels(name, o.in_channels(), input);
  // The padding is a c10::variant in LibTorch 1.x and a std::variant in 2.x: let argument lookup pick get_if.
  using std::get_if;
  const auto* padding = get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding == nullptr) throw std::logic_error("cost trace: " + name + " uses 'same'/'valid' padding");
  const FeatureShape output{
      o.out_channels(),
      conv_output_side(input.height, (*o.kernel_size())[0], (*o.stride())[0], (**padding)[0], (*o.dilation())[0]),
      conv_output_side(input.width, (*o.kernel_size())[1], (*o.stride())[1], (**padding)[1], (*o.dilation())[1]),
  };
  const double per_output = static_cast<double>(o.in_channels() / o.groups()) * (*o.kernel_size())[0] *
                            (*o.kernel_size())[1];
  const double bias = o.bias() ? 1.0 : 0.0;
  const double multiply_adds = static_cast<double>(output.elements()) * (per_output + bias);
  return record(name, LayerType::convolution, conv, output, multiply_adds);
}

FeatureShape CostTrace::linear(const std::string& name, const torch::nn::LinearImpl& linear,
                               const FeatureShape& input) {
  const auto& o = linear.options;
  if (input.elements() != o.in_features()) {
    throw std::logic_error("cost trace: " + name + " expects " + std::to_string(o.in_features()) + " inputs, got " +
                           std::to_string(input.elements()));
  }
  const FeatureShape output{o.out_features(), 1, 1};
  const double bias = o.bias() ? 1.0 : 0.0;
  return record(name, LayerType::linear, linear, output,
                static_cast<double>(o.out_features()) * (static_cast<double>(o.in_features()) + bias));
}

FeatureShape CostTrace::batch_norm(const std::string& name, const torch::nn::BatchNorm2dImpl& norm,
                                   const FeatureShape& input) {
  expect_channels(name, norm.options.num_features(), input);
  return record(name, LayerType::batch_norm, norm, input, static_cast<double>(input.elements()));
}

FeatureShape CostTrace::batch_norm(const std::string& name, const torch::nn::BatchNorm1dImpl& norm,
                                   const FeatureShape& input) {
  expect_channels(name, norm.options.num_features(), input);
  return record(name, LayerType::batch_norm, norm, input, static_cast<double>(input.elements()));
}

FeatureShape CostTrace::prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const FeatureShape& input) {
  if (prelu.options.num_parameters() != 1) expect_channels(name, prelu.options.num_parameters(), input);
  return record(name, LayerType::prelu, prelu, input, static_cast<double>(input.elements()));
}

double CostTrace::multiply_adds() const {
  double total = 0;
  for (const auto& layer : layers_) total += layer.multiply_adds;
  return total;
}

FeatureShape CostTrace::record(const std::string& name, LayerType type, const torch::nn::Module& module,
                               const FeatureShape& output, double multiply_adds) {
  layers_.push_back({name, type, output, parameter_count(module, false), multiply_adds});
  return output;
}

ModelInfo model_info(const BackboneSpec& spec) {
  const auto backbone = make_backbone(spec);
  CostTrace trace;
  backbone->trace_cost(trace, FeatureShape{3, spec.input_size, spec.input_size});
  return {parameter_count(*backbone, false), parameter_count(*backbone, true), trace.multiply_adds(), trace.layers()};
}

}  // namespace marginlab::backbones
