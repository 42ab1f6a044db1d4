#include "engine/backbones/mobilefacenet.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace marginlab::backbones {
namespace {

constexpr std::int64_t kHeadChannels = 512;  // before the GDC, whatever the width scale

}  // namespace

ConvBlockImpl::ConvBlockImpl(std::int64_t in_channels, std::int64_t out_channels, const Shape& shape,
                             bool with_prelu) {
  conv_ = torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, shape.kernel)
                                .stride(shape.stride)
                                .padding(shape.padding)
                                .groups(shape.groups)
                                .bias(false));
  bn_ = SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(out_channels));
  torch::nn::Sequential layers(conv_, bn_);
  if (with_prelu) {
    prelu_ = PReLU(torch::nn::PReLUOptions().num_parameters(out_channels));
    layers->push_back(prelu_);
  }
  layers_ = register_module("layers", layers);
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) { return layers_->forward(x); }

Activation ConvBlockImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto x = walker.convolution(prefix + "layers.0", *conv_, input);
  x = walker.batch_norm(prefix + "layers.1", *bn_, x);
  return prelu_ ? walker.prelu(prefix + "layers.2", *prelu_, x) : x;
}

DepthWiseImpl::DepthWiseImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t inner_channels,
                             std::int64_t stride, bool residual)
    : residual_(residual) {
  parts_ = {
      std::make_shared<ConvBlockImpl>(in_channels, inner_channels, ConvBlockImpl::Shape{}, true),
      std::make_shared<ConvBlockImpl>(inner_channels, inner_channels,
                                      ConvBlockImpl::Shape{.kernel = 3, .stride = stride, .padding = 1,
                                                           .groups = inner_channels},
                                      true),
      std::make_shared<ConvBlockImpl>(inner_channels, out_channels, ConvBlockImpl::Shape{}, false),
  };
  torch::nn::Sequential layers;
  for (const auto& part : parts_) layers->push_back(part);
  layers_ = register_module("layers", layers);
}

torch::Tensor DepthWiseImpl::forward(const torch::Tensor& x) {
  auto out = layers_->forward(x);
  return residual_ ? out + x : out;
}

Activation DepthWiseImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto x = input;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    x = parts_[i]->walk(walker, prefix + "layers." + std::to_string(i) + ".", x);
  }
  return residual_ ? walker.add(prefix + "add", x, input) : x;
}

ResidualImpl::ResidualImpl(std::int64_t channels, std::int64_t count, std::int64_t inner_channels) {
  torch::nn::Sequential layers;
  for (std::int64_t i = 0; i < count; ++i) {
    blocks_.push_back(std::make_shared<DepthWiseImpl>(channels, channels, inner_channels, 1, true));
    layers->push_back(blocks_.back());
  }
  layers_ = register_module("layers", layers);
}

torch::Tensor ResidualImpl::forward(const torch::Tensor& x) { return layers_->forward(x); }

Activation ResidualImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto x = input;
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    x = blocks_[i]->walk(walker, prefix + "layers." + std::to_string(i) + ".", x);
  }
  return x;
}

GlobalDepthwiseHeadImpl::GlobalDepthwiseHeadImpl(std::int64_t channels, std::int64_t map_side,
                                                 std::int64_t embedding_dim) {
  depthwise_ = ConvBlock(channels, channels, ConvBlockImpl::Shape{.kernel = map_side, .groups = channels}, false);
  linear_ = torch::nn::Linear(torch::nn::LinearOptions(channels, embedding_dim).bias(false));
  norm_ = SyncBatchNorm1d(torch::nn::BatchNorm1dOptions(embedding_dim));
  layers_ = register_module("layers", torch::nn::Sequential(depthwise_, torch::nn::Flatten(), linear_, norm_));
}

torch::Tensor GlobalDepthwiseHeadImpl::forward(const torch::Tensor& x) { return layers_->forward(x); }

Activation GlobalDepthwiseHeadImpl::walk(LayerWalker& walker, const std::string& prefix,
                                                 const Activation& input) const {
  auto x = depthwise_->walk(walker, prefix + "layers.0.", input);
  x = walker.flatten(prefix + "layers.1", x);
  x = walker.linear(prefix + "layers.2", *linear_, x);
  return walker.batch_norm(prefix + "layers.3", *norm_, x);
}

MobileFaceNetImpl::MobileFaceNetImpl(const BackboneSpec& spec, const MobileFaceNetLayout& layout) : BackboneImpl(spec) {
  check_spec(spec, 16);
  const auto width_scale = layout.width_scale;
  if (width_scale < 1) {
    throw InvalidParameter("backbone " + spec.kind + ": width_scale = " + std::to_string(width_scale) +
                           " must be at least 1");
  }
  if (spec.dropout != 0.0) {
    throw InvalidParameter(fmt::format("backbone {}: dropout = {:g}: arcface_torch's MobileFaceNet has no dropout",
                                       spec.kind, spec.dropout));
  }
  using Shape = ConvBlockImpl::Shape;
  // 64·scale channels in the first two stages, 128·scale in the last two; the expansion widths do not scale.
  const std::int64_t narrow = 64 * width_scale;
  const std::int64_t wide = 128 * width_scale;
  const auto& blocks = layout.blocks;
  units_ = {
      std::make_shared<ConvBlockImpl>(3, narrow, Shape{.kernel = 3, .stride = 2, .padding = 1}, true),
      // The first stage: for one block a 3×3 with 64 groups (depthwise only at scale 1), else residual bottlenecks.
      blocks[0] == 1 ? std::shared_ptr<MobileUnitImpl>(std::make_shared<ConvBlockImpl>(
                           narrow, narrow, Shape{.kernel = 3, .padding = 1, .groups = 64}, true))
                     : std::make_shared<ResidualImpl>(narrow, blocks[0], 128),
      std::make_shared<DepthWiseImpl>(narrow, narrow, 128, 2, false),
      std::make_shared<ResidualImpl>(narrow, blocks[1], 128),
      std::make_shared<DepthWiseImpl>(narrow, wide, 256, 2, false),
      std::make_shared<ResidualImpl>(wide, blocks[2], 256),
      std::make_shared<DepthWiseImpl>(wide, wide, 512, 2, false),
      std::make_shared<ResidualImpl>(wide, blocks[3], 256),
  };
  torch::nn::ModuleList layers;
  for (const auto& unit : units_) layers->push_back(unit);
  layers_ = register_module("layers", layers);
  conv_sep_ = register_module("conv_sep", ConvBlock(wide, kHeadChannels, Shape{}, true));
  features_ = register_module("features",
                              GlobalDepthwiseHead(kHeadChannels, spec.input_size / 16, spec.embedding_dim));

  init_he_normal(*this);  // arcface_torch's _initialize_weights
}

BackboneOutput MobileFaceNetImpl::forward(const torch::Tensor& images) {
  check_images(spec(), images);
  auto x = images;
  for (auto& unit : units_) x = unit->forward(x);
  return unit_and_norm(features_(conv_sep_(x)));
}

Activation MobileFaceNetImpl::walk(LayerWalker& walker, const Activation& input) const {
  auto x = input;
  for (std::size_t i = 0; i < units_.size(); ++i) {
    x = units_[i]->walk(walker, "layers." + std::to_string(i) + ".", x);
  }
  x = conv_sep_->walk(walker, "conv_sep.", x);
  return features_->walk(walker, "features.", x);
}

}  // namespace marginlab::backbones
