#include "engine/backbones/model_info.h"

#include "engine/backbones/backbone.h"

namespace marginlab::backbones {
namespace {

std::int64_t parameter_count(const torch::nn::Module& module, bool trainable_only) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += (!trainable_only || p.requires_grad()) ? p.numel() : 0;
  return count;
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

std::string CostTrace::on_convolution(const std::string& name, const torch::nn::Conv2dImpl& conv,
                                     const Activation& /*input*/, const FeatureShape& output) {
  const auto& o = conv.options;
  const double per_output = static_cast<double>(o.in_channels() / o.groups()) * (*o.kernel_size())[0] *
                            (*o.kernel_size())[1];
  const double bias = o.bias() ? 1.0 : 0.0;
  return record(name, LayerType::convolution, conv, output, static_cast<double>(output.elements()) * (per_output + bias));
}

std::string CostTrace::on_linear(const std::string& name, const torch::nn::LinearImpl& linear,
                                const Activation& /*input*/, const FeatureShape& output) {
  const auto& o = linear.options;
  const double bias = o.bias() ? 1.0 : 0.0;
  return record(name, LayerType::linear, linear, output,
                static_cast<double>(o.out_features()) * (static_cast<double>(o.in_features()) + bias));
}

std::string CostTrace::on_batch_norm(const std::string& name, const BatchNormView& norm, const Activation& input) {
  return record(name, LayerType::batch_norm, norm.module, input.shape, static_cast<double>(input.shape.elements()));
}

std::string CostTrace::on_prelu(const std::string& name, const torch::nn::PReLUImpl& prelu, const Activation& input) {
  return record(name, LayerType::prelu, prelu, input.shape, static_cast<double>(input.shape.elements()));
}

// Not multiply-adds (see the class comment), and not layers with parameters: not listed.
std::string CostTrace::on_add(const std::string& name, const Activation& /*branch*/, const Activation& /*shortcut*/) {
  return name;
}

std::string CostTrace::on_flatten(const std::string& name, const Activation& /*input*/,
                                  const FeatureShape& /*output*/) {
  return name;
}

std::string CostTrace::on_subsample(const std::string& name, const Activation& /*input*/, std::int64_t /*stride*/) {
  return name;
}

std::string CostTrace::on_global_average_pool(const std::string& name, const Activation& /*input*/) { return name; }

std::string CostTrace::on_relu(const std::string& name, const Activation& /*input*/) { return name; }

std::string CostTrace::on_sigmoid(const std::string& name, const Activation& /*input*/) { return name; }

std::string CostTrace::on_scale(const std::string& name, const Activation& /*input*/, const Activation& /*gate*/) {
  return name;
}

double CostTrace::multiply_adds() const {
  double total = 0;
  for (const auto& layer : layers_) total += layer.multiply_adds;
  return total;
}

std::string CostTrace::record(const std::string& name, LayerType type, const torch::nn::Module& module,
                              const FeatureShape& output, double multiply_adds) {
  layers_.push_back({name, type, output, parameter_count(module, false), multiply_adds});
  return name;
}

ModelInfo model_info(const BackboneSpec& spec) {
  const auto backbone = make_backbone(spec);
  CostTrace trace;
  backbone->walk(trace,
                 Activation{.shape = FeatureShape{3, spec.input_size, spec.input_size}, .flat = false, .tensor = {}});
  return {parameter_count(*backbone, false), parameter_count(*backbone, true), trace.multiply_adds(), trace.layers()};
}

double activation_elements(const ModelInfo& info) {
  double elements = 0;
  for (const auto& layer : info.layers) elements += static_cast<double>(layer.output.elements());
  return elements;
}

}  // namespace marginlab::backbones
