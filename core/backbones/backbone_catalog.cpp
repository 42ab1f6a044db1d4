#include "core/backbones/backbone_catalog.h"

namespace marginlab::backbones {
namespace {

// The names arcface_torch (its functions and its config's `network`) and AdaFace (net.py's build_model) give the
// same networks, accepted in experiment files written for them.
constexpr std::pair<const char*, const char*> kAliases[] = {
    {"iresnet18", "ir18"},
    {"iresnet34", "ir34"},
    {"iresnet50", "ir50"},
    {"iresnet100", "ir100"},
    {"iresnet200", "ir200"},
    {"r18", "ir18"},
    {"r34", "ir34"},
    {"r50", "ir50"},
    {"r100", "ir100"},
    {"r200", "ir200"},
    {"mbf", "mobilefacenet"},
    {"mbf_large", "mobilefacenet-large"},
    {"ir_18", "adaface-ir18"},
    {"ir_34", "adaface-ir34"},
    {"ir_50", "adaface-ir50"},
    {"ir_101", "adaface-ir101"},
    {"ir_se_50", "adaface-ir-se50"},
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
      {"mobilefacenet-large", "MobileFaceNet as arcface_torch get_mbf_large(): bottlenecks 2-8-12-4, width scale 4"},
      {"adaface-ir18", "AdaFace's IR-18 (net.py): units 2-2-2-2, subsampling shortcuts, BN1d without affine"},
      {"adaface-ir34", "AdaFace's IR-34: units 3-4-6-3"},
      {"adaface-ir50", "AdaFace's IR-50: units 3-4-14-3"},
      {"adaface-ir101", "AdaFace's IR-101 (100 layers): units 3-13-30-3"},
      {"adaface-ir152", "AdaFace's IR-152: bottleneck units 3-8-36-3, widths 256-2048"},
      {"adaface-ir200", "AdaFace's IR-200: bottleneck units 3-24-36-3, widths 256-2048"},
      {"adaface-ir-se50", "AdaFace's IR-SE-50: IR-50 with squeeze-and-excitation"},
      {"adaface-ir-se101", "AdaFace's IR-SE-101: IR-101 with squeeze-and-excitation"},
      {"adaface-ir-se152", "AdaFace's IR-SE-152: IR-152 with squeeze-and-excitation"},
      {"adaface-ir-se200", "AdaFace's IR-SE-200: IR-200 with squeeze-and-excitation"},
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
