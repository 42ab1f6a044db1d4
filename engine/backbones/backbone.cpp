#include "engine/backbones/backbone.h"

#include <fmt/format.h>

#include <sstream>

#include "core/errors.h"
#include "engine/backbones/adaface_ir.h"
#include "engine/backbones/demo_net.h"
#include "engine/backbones/iresnet.h"
#include "engine/backbones/mobilefacenet.h"
#include "engine/backbones/strided_convolution.h"

namespace marginlab::backbones {
namespace {

// IResNet depth of each kind.
constexpr std::pair<const char*, std::int64_t> kIResNetDepths[] = {
    {"ir18", 18}, {"ir34", 34}, {"ir50", 50}, {"ir100", 100}, {"ir200", 200},
};

// AdaFace IR depth of each kind, and whether it has squeeze-and-excitation.
struct AdaFaceKind {
  const char* kind;
  std::int64_t depth;
  bool squeeze_excitation;
};
constexpr AdaFaceKind kAdaFaceKinds[] = {
    {"adaface-ir18", 18, false},     {"adaface-ir34", 34, false},     {"adaface-ir50", 50, false},
    {"adaface-ir101", 100, false},   {"adaface-ir152", 152, false},   {"adaface-ir200", 200, false},
    {"adaface-ir-se50", 50, true},   {"adaface-ir-se101", 100, true}, {"adaface-ir-se152", 152, true},
    {"adaface-ir-se200", 200, true},
};

}  // namespace

Backbone make_backbone(const BackboneSpec& spec) {
  auto canonical = spec;
  canonical.kind = canonical_backbone_kind(spec.kind);
  for (const auto& [kind, depth] : kIResNetDepths) {
    if (canonical.kind == kind) return std::make_shared<IResNetImpl>(canonical, iresnet_layout(depth));
  }
  for (const auto& [kind, depth, squeeze_excitation] : kAdaFaceKinds) {
    if (canonical.kind == kind) {
      return std::make_shared<AdaFaceIRImpl>(canonical, adaface_ir_layout(depth, squeeze_excitation));
    }
  }
  if (canonical.kind == "mobilefacenet") return std::make_shared<MobileFaceNetImpl>(canonical, MobileFaceNetLayout{});
  if (canonical.kind == "mobilefacenet-x1") {
    return std::make_shared<MobileFaceNetImpl>(canonical, MobileFaceNetLayout{.width_scale = 1});
  }
  if (canonical.kind == "mobilefacenet-large") {
    return std::make_shared<MobileFaceNetImpl>(canonical, MobileFaceNetLayout{{2, 8, 12, 4}, 4});
  }
  if (canonical.kind == "demo") return std::make_shared<IResNetImpl>(canonical, demo_net_layout());
  throw InvalidParameter("backbone: kind = '" + spec.kind + "' is not one of " + backbone_kind_names() +
                         " (or arcface_torch's r18…r200, mbf, mbf_large, AdaFace's ir_18…ir_101, ir_se_50)");
}

void check_spec(const BackboneSpec& spec, std::int64_t min_input_size) {
  const auto where = "backbone " + spec.kind + ": ";
  if (spec.embedding_dim < 1) {
    throw InvalidParameter(where + "embedding_dim = " + std::to_string(spec.embedding_dim) + " must be at least 1");
  }
  if (spec.input_size < min_input_size || spec.input_size % 16 != 0) {
    throw InvalidParameter(where + "input_size = " + std::to_string(spec.input_size) +
                           " must be a multiple of 16 (four stride-2 stages) and at least " +
                           std::to_string(min_input_size));
  }
  if (!(spec.dropout >= 0.0 && spec.dropout < 1.0)) {
    throw InvalidParameter(where + fmt::format("dropout = {:g} must be in [0, 1)", spec.dropout));
  }
}

void check_images(const BackboneSpec& spec, const torch::Tensor& images) {
  const bool ok = images.dim() == 4 && images.size(1) == 3 && images.size(2) == spec.input_size &&
                  images.size(3) == spec.input_size && images.is_floating_point();
  if (!ok) {
    std::ostringstream shape;
    shape << images.sizes();
    throw InvalidBatch(fmt::format("backbone {}: images of shape {} and type {}, expected floating (B, 3, {}, {})",
                                   spec.kind, shape.str(), std::string(images.dtype().name()), spec.input_size,
                                   spec.input_size));
  }
}

BackboneOutput unit_and_norm(const torch::Tensor& raw) {
  auto norm = torch::linalg_vector_norm(raw, 2, /*dim=*/{1}, /*keepdim=*/true);
  return {raw / norm.clamp_min(kNormFloor), norm};
}

std::shared_ptr<torch::nn::Module> BackboneImpl::clone(const torch::optional<torch::Device>& device) const {
  auto copy = make_backbone(spec());
  torch::NoGradGuard no_grad;
  // Same spec, same names: every tensor has its counterpart.
  auto on_device = [&device](const torch::Tensor& t) { return device ? t.clone().to(*device) : t.clone(); };
  const auto copy_parameters = copy->named_parameters();
  for (const auto& item : named_parameters()) {
    const auto& target = copy_parameters[item.key()];
    target.set_data(on_device(item.value()));
    target.set_requires_grad(item.value().requires_grad());
  }
  const auto copy_buffers = copy->named_buffers();
  for (const auto& item : named_buffers()) copy_buffers[item.key()].set_data(on_device(item.value()));
  copy->train(is_training());
  return copy;
}

torch::Tensor convolve(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
#if TORCH_VERSION_MAJOR >= 2
  const auto& o = conv.options;
  const auto stride = (*o.stride())[0];
  const bool pointwise = (*o.kernel_size())[0] == 1 && (*o.kernel_size())[1] == 1 && (*o.dilation())[0] == 1 &&
                         (*o.dilation())[1] == 1 && stride == (*o.stride())[1] && o.groups() == 1;
  const auto* padding = std::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (pointwise && stride > 1 && padding && (**padding)[0] == 0 && (**padding)[1] == 0) {
    const auto every = x.slice(2, 0, c10::nullopt, stride).slice(3, 0, c10::nullopt, stride);
    return torch::conv2d(every, conv.weight, conv.bias);
  }
#endif
  if (blocked_weight_gradient_applies(conv, x)) return convolve_with_blocked_weight_gradient(conv, x);
  return const_cast<torch::nn::Conv2dImpl&>(conv).forward(x);
}

void init_he_normal(torch::nn::Module& module) {
  for (auto& m : module.modules(/*include_self=*/false)) {
    if (auto* conv = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* linear = m->as<torch::nn::Linear>()) {
      torch::nn::init::kaiming_normal_(linear->weight, 0.0, torch::kFanOut, torch::kReLU);
      if (linear->options.bias()) torch::nn::init::zeros_(linear->bias);
    }
  }
}

void use_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

}  // namespace marginlab::backbones
