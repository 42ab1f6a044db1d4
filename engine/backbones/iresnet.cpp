#include "engine/backbones/iresnet.h"

#include "core/errors.h"
#include "engine/backbones/batch_norm_prelu.h"

namespace marginlab::backbones {
namespace {

constexpr double kBatchNormEps = 1e-5;  // arcface_torch passes it explicitly (PyTorch's default too)
constexpr double kConvInitStd = 0.1;    // arcface_torch: nn.init.normal_(conv.weight, 0, 0.1)

torch::nn::Conv2d conv3x3(std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in_channels, out_channels, 3).stride(stride).padding(1).bias(false));
}

SyncBatchNorm2d batch_norm(std::int64_t channels) {
  return SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(kBatchNormEps));
}

}  // namespace

IBasicBlockImpl::IBasicBlockImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride) {
  bn1_ = register_module("bn1", batch_norm(in_channels));
  conv1_ = register_module("conv1", conv3x3(in_channels, channels, 1));
  bn2_ = register_module("bn2", batch_norm(channels));
  prelu_ = register_module("prelu", PReLU(torch::nn::PReLUOptions().num_parameters(channels)));
  conv2_ = register_module("conv2", conv3x3(channels, channels, stride));
  bn3_ = register_module("bn3", batch_norm(channels));
  if (stride != 1 || in_channels != channels) {
    downsample_conv_ = torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, channels, 1).stride(stride).bias(false));
    downsample_bn_ = batch_norm(channels);
    downsample_ = register_module("downsample", torch::nn::Sequential(downsample_conv_, downsample_bn_));
  }
}

torch::Tensor IBasicBlockImpl::forward(const torch::Tensor& x) {
  // The shortcut is added in place: bn3's output is not needed by its backward (BatchNorm keeps its input), and a
  // new tensor of the block's output size per block cost an allocation and a pass more.
  auto out = bn3_(convolve(*conv2_, batch_norm_prelu(*bn2_, *prelu_, conv1_(bn1_(x)))));
  return out.add_(downsample_ ? downsample_->forward(x) : x);
}

Activation IBasicBlockImpl::walk(LayerWalker& walker, const std::string& prefix, const Activation& input) const {
  auto x = walker.batch_norm(prefix + "bn1", *bn1_, input);
  x = walker.convolution(prefix + "conv1", *conv1_, x);
  x = walker.batch_norm(prefix + "bn2", *bn2_, x);
  x = walker.prelu(prefix + "prelu", *prelu_, x);
  x = walker.convolution(prefix + "conv2", *conv2_, x);
  x = walker.batch_norm(prefix + "bn3", *bn3_, x);
  auto shortcut = input;
  if (downsample_) {
    shortcut = walker.convolution(prefix + "downsample.0", *downsample_conv_, input);
    shortcut = walker.batch_norm(prefix + "downsample.1", *downsample_bn_, shortcut);
  }
  return walker.add(prefix + "add", x, shortcut);
}

IResNetLayout iresnet_layout(std::int64_t depth) {
  const std::array<std::int64_t, 4> widths{64, 128, 256, 512};
  std::array<std::int64_t, 4> blocks{};
  switch (depth) {
    case 18: blocks = {2, 2, 2, 2}; break;
    case 34: blocks = {3, 4, 6, 3}; break;
    case 50: blocks = {3, 4, 14, 3}; break;
    case 100: blocks = {3, 13, 30, 3}; break;
    case 200: blocks = {6, 26, 60, 6}; break;
    default:
      throw InvalidParameter("IResNet: depth = " + std::to_string(depth) + " is not one of 18, 34, 50, 100, 200");
  }
  return {blocks, widths, 64, 16};
}

IResNetImpl::IResNetImpl(const BackboneSpec& spec, const IResNetLayout& layout) : BackboneImpl(spec) {
  check_spec(spec, layout.min_input_size);
  conv1_ = register_module("conv1", conv3x3(3, layout.stem_width, 1));
  bn1_ = register_module("bn1", batch_norm(layout.stem_width));
  prelu_ = register_module("prelu", PReLU(torch::nn::PReLUOptions().num_parameters(layout.stem_width)));
  std::int64_t channels = layout.stem_width;
  for (std::size_t stage = 0; stage < layout.blocks.size(); ++stage) {
    torch::nn::Sequential blocks;
    const auto width = layout.widths[stage];
    for (std::int64_t block = 0; block < layout.blocks[stage]; ++block) {
      blocks->push_back(IBasicBlock(block == 0 ? channels : width, width, block == 0 ? 2 : 1));
    }
    channels = width;
    stages_.push_back(register_module("layer" + std::to_string(stage + 1), blocks));
  }
  bn2_ = register_module("bn2", batch_norm(channels));
  dropout_ = register_module("dropout", torch::nn::Dropout(torch::nn::DropoutOptions(spec.dropout)));
  const auto side = spec.input_size / 16;
  fc_ = register_module("fc", torch::nn::Linear(channels * side * side, spec.embedding_dim));
  features_ = register_module(
      "features", SyncBatchNorm1d(torch::nn::BatchNorm1dOptions(spec.embedding_dim).eps(kBatchNormEps)));
  // As arcface_torch: the last BatchNorm's gain is fixed at 1 and not trained; only its shift is.
  features_->weight.set_requires_grad(false);

  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) torch::nn::init::normal_(conv->weight, 0.0, kConvInitStd);
  }
}

BackboneOutput IResNetImpl::forward(const torch::Tensor& images) {
  check_images(spec(), images);
  auto x = batch_norm_prelu(*bn1_, *prelu_, conv1_(images));
  for (auto& stage : stages_) x = stage->forward(x);
  x = dropout_(torch::flatten(bn2_(x), 1));
  return unit_and_norm(features_(fc_(x)));
}

Activation IResNetImpl::walk(LayerWalker& walker, const Activation& input) const {
  auto x = walker.convolution("conv1", *conv1_, input);
  x = walker.batch_norm("bn1", *bn1_, x);
  x = walker.prelu("prelu", *prelu_, x);
  for (std::size_t stage = 0; stage < stages_.size(); ++stage) {
    for (std::size_t block = 0; block < stages_[stage]->size(); ++block) {
      const auto prefix = "layer" + std::to_string(stage + 1) + "." + std::to_string(block) + ".";
      x = stages_[stage]->ptr<IBasicBlockImpl>(block)->walk(walker, prefix, x);
    }
  }
  x = walker.batch_norm("bn2", *bn2_, x);
  x = walker.flatten("flatten", x);
  x = walker.linear("fc", *fc_, x);
  return walker.batch_norm("features", *features_, x);
}

}  // namespace marginlab::backbones
