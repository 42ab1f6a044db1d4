#include "engine/backbones/adaface_ir.h"

#include <iterator>

#include "core/errors.h"
#include "engine/backbones/batch_norm_prelu.h"

namespace marginlab::backbones {
namespace {

constexpr std::int64_t kStemWidth = 64;
constexpr std::int64_t kExcitationReduction = 16;

torch::nn::Conv2d unit_conv(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel,
                            std::int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in_channels, out_channels, kernel).stride(stride).padding(kernel / 2).bias(false));
}

SyncBatchNorm2d unit_norm(std::int64_t channels) { return SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(channels)); }

PReLU unit_prelu(std::int64_t channels) { return PReLU(torch::nn::PReLUOptions().num_parameters(channels)); }

}  // namespace

AdaFaceIRLayout adaface_ir_layout(std::int64_t depth, bool squeeze_excitation) {
  AdaFaceIRLayout layout;
  layout.squeeze_excitation = squeeze_excitation;
  layout.widths = {64, 128, 256, 512};
  switch (depth) {
    case 18:
      layout.units = {2, 2, 2, 2};
      break;
    case 34:
      layout.units = {3, 4, 6, 3};
      break;
    case 50:
      layout.units = {3, 4, 14, 3};
      break;
    case 100:
      layout.units = {3, 13, 30, 3};
      break;
    case 152:
      layout.units = {3, 8, 36, 3};
      break;
    case 200:
      layout.units = {3, 24, 36, 3};
      break;
    default:
      throw InvalidParameter("AdaFace IR: depth = " + std::to_string(depth) +
                             " is not one of 18, 34, 50, 100, 152, 200");
  }
  if (depth > 100) {
    layout.bottleneck = true;
    layout.widths = {256, 512, 1024, 2048};
  }
  return layout;
}

SqueezeExcitationImpl::SqueezeExcitationImpl(std::int64_t channels, std::int64_t reduction) {
  fc1_ = register_module("fc1", unit_conv(channels, channels / reduction, 1, 1));
  fc2_ = register_module("fc2", unit_conv(channels / reduction, channels, 1, 1));
}

torch::Tensor SqueezeExcitationImpl::forward(const torch::Tensor& x) {
  const auto gate = torch::sigmoid(fc2_(torch::relu(fc1_(torch::adaptive_avg_pool2d(x, {1, 1})))));
  return x * gate;
}

Activation SqueezeExcitationImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto gate = walker.global_average_pool(prefix + "pool", input);
  gate = walker.convolution(prefix + "fc1", *fc1_, gate);
  gate = walker.relu(prefix + "relu", gate);
  gate = walker.convolution(prefix + "fc2", *fc2_, gate);
  gate = walker.sigmoid(prefix + "sigmoid", gate);
  return walker.scale(prefix + "scale", input, gate);
}

IRUnitImpl::IRUnitImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride,
                       const AdaFaceIRLayout& layout)
    : stride_(stride) {
  torch::nn::Sequential residual;
  residual->push_back(unit_norm(in_channels));
  if (layout.bottleneck) {
    const auto inner = channels / 4;
    residual->push_back(unit_conv(in_channels, inner, 1, 1));
    residual->push_back(unit_norm(inner));
    residual->push_back(unit_prelu(inner));
    residual->push_back(unit_conv(inner, inner, 3, 1));
    residual->push_back(unit_norm(inner));
    residual->push_back(unit_prelu(inner));
    residual->push_back(unit_conv(inner, channels, 1, stride));
  } else {
    residual->push_back(unit_conv(in_channels, channels, 3, 1));
    residual->push_back(unit_norm(channels));
    residual->push_back(unit_prelu(channels));
    residual->push_back(unit_conv(channels, channels, 3, stride));
  }
  residual->push_back(unit_norm(channels));
  if (layout.squeeze_excitation) {
    excitation_ = SqueezeExcitation(channels, kExcitationReduction);
    residual->push_back("se_block", excitation_);
  }
  residual_ = register_module("res_layer", residual);
  if (in_channels != channels) {
    shortcut_conv_ = unit_conv(in_channels, channels, 1, stride);
    shortcut_bn_ = unit_norm(channels);
    register_module("shortcut_layer", torch::nn::Sequential(shortcut_conv_, shortcut_bn_));
  }
}

torch::Tensor IRUnitImpl::forward(const torch::Tensor& x) {
  auto out = x;
  const auto end = residual_->end();
  for (auto it = residual_->begin(); it != end; ++it) {
    const auto next = std::next(it);
    auto* norm = it->ptr()->as<SyncBatchNorm2dImpl>();
    auto* slope = next != end ? next->ptr()->as<PReLUImpl>() : nullptr;
    if (norm && slope) {
      out = batch_norm_prelu(*norm, *slope, out);  // every unit's BatchNorm → PReLU pair, as one step
      it = next;
    } else if (const auto* conv = it->ptr()->as<torch::nn::Conv2dImpl>()) {
      out = convolve(*conv, out);
    } else {
      out = it->forward(out);
    }
  }
  const auto shortcut = shortcut_conv_ ? shortcut_bn_(convolve(*shortcut_conv_, x))
                                       : x.slice(2, 0, c10::nullopt, stride_).slice(3, 0, c10::nullopt, stride_);
  return out + shortcut;
}

Activation IRUnitImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto x = input;
  for (std::size_t i = 0; i < residual_->size(); ++i) {
    const auto module = residual_->ptr(i);
    const auto name = prefix + "res_layer." + std::to_string(i);
    if (const auto* c = module->as<torch::nn::Conv2dImpl>()) {
      x = walker.convolution(name, *c, x);
    } else if (const auto* norm = module->as<SyncBatchNorm2dImpl>()) {
      x = walker.batch_norm(name, *norm, x);
    } else if (const auto* slope = module->as<torch::nn::PReLUImpl>()) {
      x = walker.prelu(name, *slope, x);
    } else {
      x = excitation_->walk(walker, prefix + "res_layer.se_block.", x);
    }
  }
  Activation shortcut = input;
  if (shortcut_conv_) {
    shortcut = walker.convolution(prefix + "shortcut_layer.0", *shortcut_conv_, input);
    shortcut = walker.batch_norm(prefix + "shortcut_layer.1", *shortcut_bn_, shortcut);
  } else if (stride_ != 1) {
    shortcut = walker.subsample(prefix + "shortcut_layer", input, stride_);
  }
  return walker.add(prefix + "add", x, shortcut);
}

AdaFaceIRImpl::AdaFaceIRImpl(const BackboneSpec& spec, const AdaFaceIRLayout& layout) : BackboneImpl(spec) {
  check_spec(spec, 16);
  stem_conv_ = unit_conv(3, kStemWidth, 3, 1);
  stem_bn_ = unit_norm(kStemWidth);
  stem_prelu_ = unit_prelu(kStemWidth);
  register_module("input_layer", torch::nn::Sequential(stem_conv_, stem_bn_, stem_prelu_));
  torch::nn::Sequential body;
  std::int64_t channels = kStemWidth;
  for (std::size_t stage = 0; stage < layout.units.size(); ++stage) {
    for (std::int64_t unit = 0; unit < layout.units[stage]; ++unit) {
      const auto width = layout.widths[stage];
      units_.push_back(IRUnit(unit == 0 ? channels : width, width, unit == 0 ? 2 : 1, layout));
      body->push_back(units_.back());
      channels = width;
    }
  }
  register_module("body", body);
  output_bn_ = unit_norm(channels);
  dropout_ = torch::nn::Dropout(torch::nn::DropoutOptions(spec.dropout));
  const auto side = spec.input_size / 16;
  fc_ = torch::nn::Linear(channels * side * side, spec.embedding_dim);
  features_ = SyncBatchNorm1d(torch::nn::BatchNorm1dOptions(spec.embedding_dim).affine(false));
  register_module("output_layer", torch::nn::Sequential(output_bn_, dropout_, torch::nn::Flatten(), fc_, features_));

  init_he_normal(*this);  // net.py's initialize_weights
}

BackboneOutput AdaFaceIRImpl::forward(const torch::Tensor& images) {
  check_images(spec(), images);
  auto x = batch_norm_prelu(*stem_bn_, *stem_prelu_, stem_conv_(images));
  for (auto& unit : units_) x = unit(x);
  x = dropout_(torch::flatten(output_bn_(x), 1));
  return unit_and_norm(features_(fc_(x)));
}

Activation AdaFaceIRImpl::walk(LayerWalker& walker, const Activation& input) const {
  auto x = walker.convolution("input_layer.0", *stem_conv_, input);
  x = walker.batch_norm("input_layer.1", *stem_bn_, x);
  x = walker.prelu("input_layer.2", *stem_prelu_, x);
  for (std::size_t i = 0; i < units_.size(); ++i) x = units_[i]->walk(walker, "body." + std::to_string(i) + ".", x);
  x = walker.batch_norm("output_layer.0", *output_bn_, x);
  x = walker.flatten("output_layer.2", x);
  x = walker.linear("output_layer.3", *fc_, x);
  return walker.batch_norm("output_layer.4", *features_, x);
}

}  // namespace marginlab::backbones
