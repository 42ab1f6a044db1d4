#include "engine/import/architecture.h"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <set>

#include "core/backbones/backbone_catalog.h"
#include "core/errors.h"
#include "engine/backbones/adaface_ir.h"
#include "engine/backbones/iresnet.h"

namespace marginlab::importing {
namespace {

using Tensors = std::map<std::string, torch::Tensor>;

// A name that only one family has, near the start of its network.
struct Anchor {
  std::string_view name;
  std::string_view family;
};
constexpr std::array kAnchors{
    Anchor{"layer1.0.conv1.weight", "iresnet"},
    Anchor{"conv_sep.layers.0.weight", "mobilefacenet"},
    Anchor{"input_layer.0.weight", "adaface"},
};

std::string shape_text(const torch::Tensor& tensor) {
  std::string text;
  for (const auto side : tensor.sizes()) {
    if (!text.empty()) text += " × ";
    text += std::to_string(side);
  }
  return "(" + text + ")";
}

class Names {
 public:
  Names(const Tensors& tensors, std::string prefix, std::string origin)
      : tensors_(tensors), prefix_(std::move(prefix)), origin_(std::move(origin)) {}

  bool has(const std::string& name) const { return tensors_.count(prefix_ + name) > 0; }

  const torch::Tensor& at(const std::string& name, std::int64_t dims) const {
    const auto found = tensors_.find(prefix_ + name);
    if (found == tensors_.end()) throw InvalidFile(origin_ + ": no tensor " + prefix_ + name);
    if (found->second.dim() != dims) {
      throw InvalidFile(fmt::format("{}: {}{} is {}, expected {} dimensions", origin_, prefix_, name,
                                    shape_text(found->second), dims));
    }
    return found->second;
  }

  // How many consecutive indices i have <before><i><after>.
  std::int64_t count(const std::string& before, const std::string& after) const {
    std::int64_t n = 0;
    while (has(before + std::to_string(n) + after)) ++n;
    return n;
  }

  // The input side from a linear layer that reads `channels` × side² features.
  std::int64_t input_side(std::int64_t in_features, std::int64_t channels, const std::string& layer) const {
    const auto area = channels > 0 ? in_features / channels : 0;
    std::int64_t side = 1;
    while (side * side < area) ++side;
    if (area < 1 || side * side != area || area * channels != in_features) {
      throw InvalidFile(fmt::format("{}: {}{} reads {} features, not {} channels of a square map", origin_, prefix_,
                                    layer, in_features, channels));
    }
    return 16 * side;
  }

 private:
  const Tensors& tensors_;
  std::string prefix_;
  std::string origin_;
};

std::string blocks_text(const std::vector<std::int64_t>& blocks) {
  std::string text;
  for (const auto n : blocks) {
    if (!text.empty()) text += '-';
    text += std::to_string(n);
  }
  return text;
}

RecognisedArchitecture iresnet(const Names& names, const std::string& origin) {
  std::array<std::int64_t, 4> blocks{};
  for (int stage = 0; stage < 4; ++stage) {
    blocks[stage] = names.count("layer" + std::to_string(stage + 1) + ".", ".conv1.weight");
  }
  std::optional<std::int64_t> depth;
  for (const std::int64_t d : {18, 34, 50, 100, 200}) {
    if (backbones::iresnet_layout(d).blocks == blocks) depth = d;
  }
  const auto text = blocks_text({blocks.begin(), blocks.end()});
  if (!depth) {
    throw InvalidFile(origin + ": an arcface_torch IResNet with blocks " + text +
                      ", which is none of IResNet-18/34/50/100/200 (2-2-2-2, 3-4-6-3, 3-4-14-3, 3-13-30-3, 6-26-60-6)");
  }
  const auto& fc = names.at("fc.weight", 2);
  const auto channels = names.at("layer4.0.conv2.weight", 4).size(0);
  RecognisedArchitecture found;
  found.spec.kind = "ir" + std::to_string(*depth);
  found.spec.embedding_dim = fc.size(0);
  found.spec.input_size = names.input_side(fc.size(1), channels, "fc.weight");
  found.evidence =
      fmt::format("arcface_torch IResNet: layer1…4 of {} blocks, fc {} → {}", text, fc.size(1), fc.size(0));
  return found;
}

RecognisedArchitecture mobilefacenet(const Names& names, const std::string& origin) {
  const auto stem = names.at("layers.0.layers.0.weight", 4).size(0);
  const auto scale = stem / 64;
  // The first stage is one grouped 3×3 ConvBlock for blocks[0] = 1, else a Residual of blocks[0] bottlenecks.
  const auto residual_blocks = [&](int layer) {
    return names.count("layers." + std::to_string(layer) + ".layers.", ".layers.0.layers.0.weight");
  };
  std::vector<std::int64_t> blocks{names.has("layers.1.layers.0.weight") ? 1 : residual_blocks(1), residual_blocks(3),
                                   residual_blocks(5), residual_blocks(7)};
  const auto text = blocks_text(blocks);
  std::string kind;
  if (blocks == std::vector<std::int64_t>{1, 4, 6, 2} && (scale == 1 || scale == 2)) {
    kind = scale == 2 ? "mobilefacenet" : "mobilefacenet-x1";
  } else if (blocks == std::vector<std::int64_t>{2, 8, 12, 4} && scale == 4) {
    kind = "mobilefacenet-large";
  } else {
    throw InvalidFile(
        fmt::format("{}: an arcface_torch MobileFaceNet with blocks {} at width scale {}, which is "
                    "neither get_mbf (1-4-6-2, scale 1 or 2) nor get_mbf_large (2-8-12-4, scale 4)",
                    origin, text, scale));
  }
  const auto& linear = names.at("features.layers.2.weight", 2);
  const auto& gdc = names.at("features.layers.0.layers.0.weight", 4);
  RecognisedArchitecture found;
  found.spec.kind = kind;
  found.spec.embedding_dim = linear.size(0);
  found.spec.input_size = 16 * gdc.size(2);
  found.evidence = fmt::format("arcface_torch MobileFaceNet: blocks {}, width scale {}, GDC {}×{}", text, scale,
                               gdc.size(2), gdc.size(3));
  return found;
}

RecognisedArchitecture adaface(const Names& names, const std::string& origin) {
  const auto units = names.count("body.", ".res_layer.0.weight");
  const bool bottleneck = names.has("body.0.res_layer.8.weight");
  const bool excitation = names.has("body.0.res_layer.se_block.fc1.weight");
  std::optional<std::int64_t> depth;
  for (const std::int64_t d : {18, 34, 50, 100, 152, 200}) {
    const auto layout = backbones::adaface_ir_layout(d, excitation);
    const auto total = layout.units[0] + layout.units[1] + layout.units[2] + layout.units[3];
    if (total == units && layout.bottleneck == bottleneck) depth = d;
  }
  if (!depth) {
    throw InvalidFile(
        fmt::format("{}: an AdaFace IR network of {} {}units, which is none of IR-18/34/50/101 (8, 16, "
                    "24, 49 units) or the bottleneck IR-152/200 (50, 66 units)",
                    origin, units, bottleneck ? "bottleneck " : ""));
  }
  const auto& fc = names.at("output_layer.3.weight", 2);
  const auto channels = names.at("output_layer.0.weight", 1).size(0);
  RecognisedArchitecture found;
  const auto number = *depth == 100 ? std::int64_t{101} : *depth;  // AdaFace calls its 100-layer network IR-101
  found.spec.kind = (excitation ? "adaface-ir-se" : "adaface-ir") + std::to_string(number);
  found.spec.embedding_dim = fc.size(0);
  found.spec.input_size = names.input_side(fc.size(1), channels, "output_layer.3.weight");
  found.spec.dropout = 0.4;  // net.py's output layer; the identity in evaluation
  found.evidence = fmt::format("AdaFace IR{}: {} {}units, output_layer {} → {}", excitation ? "-SE" : "", units,
                               bottleneck ? "bottleneck " : "", fc.size(1), fc.size(0));
  return found;
}

}  // namespace

RecognisedArchitecture recognise_architecture(const Tensors& tensors, const std::string& origin,
                                              const std::string& kind) {
  std::set<std::pair<std::string, std::string>> candidates;  // (family, prefix)
  for (const auto& [name, tensor] : tensors) {
    for (const auto& anchor : kAnchors) {
      if (name.ends_with(anchor.name)) {
        candidates.emplace(std::string(anchor.family), name.substr(0, name.size() - anchor.name.size()));
      }
    }
  }
  if (candidates.empty()) {
    std::string some;
    std::size_t shown = 0;
    for (const auto& [name, tensor] : tensors) {
      if (shown++ == 5) break;
      some += (some.empty() ? "" : ", ") + name;
    }
    throw InvalidFile(origin + ": no known face-recognition backbone in " + std::to_string(tensors.size()) +
                      " tensors (" + some +
                      ", ...): looked for arcface_torch's layer1.0.conv1 (IResNet) and "
                      "conv_sep (MobileFaceNet), and AdaFace's input_layer (IR)");
  }
  if (candidates.size() > 1) {
    std::string found;
    for (const auto& [family, prefix] : candidates)
      found += (found.empty() ? "" : "; ") + family + " at '" + prefix + "'";
    throw InvalidFile(origin + ": more than one backbone in the file (" + found + ")");
  }
  const auto& [family, prefix] = *candidates.begin();
  const Names names(tensors, prefix, origin);
  RecognisedArchitecture found = family == "iresnet"         ? iresnet(names, origin)
                                 : family == "mobilefacenet" ? mobilefacenet(names, origin)
                                                             : adaface(names, origin);
  found.prefix = prefix;
  if (!kind.empty()) {
    const auto canonical = backbones::canonical_backbone_kind(kind);
    if (canonical.empty()) {
      throw InvalidParameter("--backbone " + kind + ": not a backbone (" + backbones::backbone_kind_names() + ")");
    }
    found.evidence += "; --backbone " + kind + " instead of " + found.spec.kind;
    found.spec.kind = canonical;
  }
  return found;
}

void load_backbone_weights(backbones::BackboneImpl& backbone, const Tensors& tensors, const std::string& prefix,
                           const std::string& origin) {
  std::vector<std::string> missing, mismatched, unexpected;
  std::set<std::string> used;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;  // (into, from)
  const auto take = [&](const std::string& name, const torch::Tensor& into) {
    const auto found = tensors.find(prefix + name);
    if (found == tensors.end()) {
      // PyTorch before 0.4.1 saved no BatchNorm step counter; inference does not use it.
      if (!name.ends_with("num_batches_tracked")) missing.push_back(prefix + name);
      return;
    }
    used.insert(found->first);
    if (found->second.sizes() != into.sizes()) {
      mismatched.push_back(fmt::format("{} is {} in the file, {} in {}", found->first, shape_text(found->second),
                                       shape_text(into), backbone.kind()));
      return;
    }
    copies.emplace_back(into, found->second);
  };
  for (const auto& item : backbone.named_parameters()) take(item.key(), item.value());
  for (const auto& item : backbone.named_buffers()) take(item.key(), item.value());
  for (const auto& [name, tensor] : tensors) {
    if (name.starts_with(prefix) && !used.count(name)) unexpected.push_back(name);
  }
  if (!missing.empty() || !mismatched.empty() || !unexpected.empty()) {
    const auto list = [](const std::vector<std::string>& names) {
      std::string text;
      for (std::size_t i = 0; i < names.size() && i < 4; ++i) text += (i ? ", " : "") + names[i];
      return names.size() > 4 ? fmt::format("{} and {} more", text, names.size() - 4) : text;
    };
    std::string problems;
    if (!missing.empty()) problems += fmt::format("; missing {}", list(missing));
    if (!mismatched.empty()) problems += fmt::format("; {}", list(mismatched));
    if (!unexpected.empty()) problems += fmt::format("; not in {}: {}", backbone.kind(), list(unexpected));
    throw InvalidFile(origin + ": the weights do not fit " + backbone.kind() + problems);
  }
  torch::NoGradGuard no_grad;
  for (auto& [into, from] : copies) into.copy_(from.to(into.scalar_type()));
}

}  // namespace marginlab::importing
