#include "core/backbones/backbone_catalog.h"

namespace marginlab::backbones {
namespace {

// arcface_torch's function names, accepted in experiment files written for it.
constexpr std::pair<const char*, const char*> kAliases[] = {
    {"iresnet18", "ir18"}, {"iresnet34", "ir34"}, {"iresnet50", "ir50"}, {"iresnet100", "ir100"},
    {"iresnet200", "ir200"},
};

}  // namespace

const std::vector<std::pair<std::string, std::string>>& backbone_kinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds{
      {"ir18", "IResNet-18 (arcface_torch iresnet18), blocks 2-2-2-2"},
      {"ir34", "IResNet-34 (arcface_torch iresnet34), blocks 3-4-6-3"},
      {"ir50", "IResNet-50 (arcface_torch iresnet50), blocks 3-4-14-3"},
      {"ir100", "IResNet-100 (arcface_torch iresnet100), blocks 3-13-30-3"},
      {"ir200", "IResNet-200 (arcface_torch iresnet200), blocks 6-26-60-6"},
      {"mobilefacenet", "MobileFaceNet as arcface_torch get_mbf(): bottlenecks 1-4-6-2, width scale 2, GDC"},
      {"mobilefacenet-x1", "MobileFaceNet as get_mbf(scale=1): the same tree at half the stage widths"},
      {"demo", "small IResNet for CPU demos at 64x64: one block per stage, widths 16-32-64-128"},
  };
  return kinds;
}

std::string canonical_backbone_kind(const std::string& name) {
  for (const auto& [alias, kind] : kAliases) {
    if (name == alias) return kind;
  }
  for (const auto& [kind, description] : backbone_kinds()) {
    if (name == kind) return kind;
  }
  return {};
}

bool is_backbone_kind(const std::string& kind) { return !canonical_backbone_kind(kind).empty(); }

std::string backbone_kind_names() {
  std::string names;
  for (const auto& [kind, description] : backbone_kinds()) names += (names.empty() ? "" : ", ") + kind;
  return names;
}

std::int64_t native_input_size(const std::string& kind) { return kind == "demo" ? 64 : 112; }

}  // namespace marginlab::backbones
